package dev.diffopt.tree;

import java.util.Objects;

/**
 * One step of a {@link KeyPath}: how a child is reached from its parent node.
 *
 * <p>The string forms are:
 *
 * <ul>
 *   <li>{@link Index} (list and array elements, unnamed custom children): {@code [0]}
 *   <li>{@link MapKey} (map entries): {@code ['w']} for a string key, {@code [3]} for other keys
 *   <li>{@link Field} (record components): {@code .bias}
 *   <li>{@link OptionalValue} (the content of a present {@link java.util.Optional}): {@code .get()}
 *   <li>{@link CustomKey} (named children of custom nodes): {@code .name} for a string that is a
 *       Java identifier, {@code ['some key']} for another string, {@code [key]} otherwise
 * </ul>
 */
public sealed interface PathEntry
    permits PathEntry.Index,
        PathEntry.MapKey,
        PathEntry.Field,
        PathEntry.OptionalValue,
        PathEntry.CustomKey {

  /**
   * An entry for a position in a list, an array or an unnamed custom node.
   *
   * @param index the zero-based index
   * @return the entry
   */
  static PathEntry index(int index) {
    return new Index(index);
  }

  /**
   * An entry for a map key.
   *
   * @param key the key (may be any object)
   * @return the entry
   */
  static PathEntry mapKey(Object key) {
    return new MapKey(key);
  }

  /**
   * An entry for a record component.
   *
   * @param name the component name
   * @return the entry
   */
  static PathEntry field(String name) {
    return new Field(name);
  }

  /**
   * The entry for the content of a present {@link java.util.Optional}.
   *
   * @return the entry
   */
  static PathEntry optionalValue() {
    return OptionalValue.INSTANCE;
  }

  /**
   * An entry for a child key declared by a custom {@link NodeDef}.
   *
   * @param key the key
   * @return the entry
   */
  static PathEntry custom(Object key) {
    return new CustomKey(key);
  }

  /**
   * A position in a list, an array, or a custom node without child keys.
   *
   * @param index the zero-based index
   */
  record Index(int index) implements PathEntry {
    /** Returns {@code [index]}. */
    @Override
    public String toString() {
      return "[" + index + "]";
    }
  }

  /**
   * A key of a map node.
   *
   * @param key the key (never {@code null} for keys that come from flattening)
   */
  record MapKey(Object key) implements PathEntry {
    /** Returns {@code ['key']} for a string key and {@code [key]} otherwise. */
    @Override
    public String toString() {
      return key instanceof String s ? "['" + escape(s) + "']" : "[" + key + "]";
    }
  }

  /**
   * A component of a record node.
   *
   * @param name the component name
   */
  record Field(String name) implements PathEntry {
    /**
     * Creates the entry.
     *
     * @param name the component name, not null
     */
    public Field {
      Objects.requireNonNull(name, "name");
    }

    /** Returns {@code .name}. */
    @Override
    public String toString() {
      return "." + name;
    }
  }

  /** The content of a present {@link java.util.Optional}. All instances are equal. */
  record OptionalValue() implements PathEntry {
    /** The shared instance. */
    static final OptionalValue INSTANCE = new OptionalValue();

    /** Returns {@code .get()}. */
    @Override
    public String toString() {
      return ".get()";
    }
  }

  /**
   * A child key declared by a custom {@link NodeDef}.
   *
   * @param key the key given by {@link NodeDef.Flattened#keys()}
   */
  record CustomKey(Object key) implements PathEntry {
    /**
     * Returns {@code .key} for a string key that is a Java identifier, {@code ['key']} for another
     * string, and {@code [key]} otherwise.
     */
    @Override
    public String toString() {
      if (key instanceof String s) {
        return isIdentifier(s) ? "." + s : "['" + escape(s) + "']";
      }
      return "[" + key + "]";
    }
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("'", "\\'");
  }

  private static boolean isIdentifier(String s) {
    if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      if (!Character.isJavaIdentifierPart(s.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
