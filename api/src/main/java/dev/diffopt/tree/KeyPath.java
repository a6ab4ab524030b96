package dev.diffopt.tree;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The path from the root of a tree to one of its nodes: an immutable list of {@link PathEntry}s.
 *
 * <p>{@link #toString()} concatenates the entries, for example {@code [0]['w'].bias}; the empty
 * path (the root itself) prints as {@code <root>}.
 */
public final class KeyPath {
  private static final KeyPath ROOT = new KeyPath(List.of());

  private final List<PathEntry> entries;

  private KeyPath(List<PathEntry> entries) {
    this.entries = entries;
  }

  /**
   * The empty path, which designates the root of a tree.
   *
   * @return the root path
   */
  public static KeyPath root() {
    return ROOT;
  }

  /**
   * A path made of the given entries, from the root down.
   *
   * @param entries the entries, none null
   * @return the path
   */
  public static KeyPath of(PathEntry... entries) {
    return of(Arrays.asList(entries));
  }

  /**
   * A path made of the given entries, from the root down.
   *
   * @param entries the entries, none null
   * @return the path
   */
  public static KeyPath of(List<? extends PathEntry> entries) {
    if (entries.isEmpty()) {
      return ROOT;
    }
    List<PathEntry> copy = new ArrayList<>(entries.size());
    for (PathEntry e : entries) {
      copy.add(Objects.requireNonNull(e, "path entry"));
    }
    return new KeyPath(Collections.unmodifiableList(copy));
  }

  /**
   * The entries of this path, from the root down.
   *
   * @return an unmodifiable list
   */
  public List<PathEntry> entries() {
    return entries;
  }

  /**
   * The number of entries (the depth of the designated node).
   *
   * @return the number of entries
   */
  public int size() {
    return entries.size();
  }

  /**
   * Whether this is the empty path.
   *
   * @return true for the root path
   */
  public boolean isRoot() {
    return entries.isEmpty();
  }

  /**
   * This path extended by one entry.
   *
   * @param entry the entry to add at the end
   * @return a new path
   */
  public KeyPath append(PathEntry entry) {
    Objects.requireNonNull(entry, "entry");
    List<PathEntry> copy = new ArrayList<>(entries.size() + 1);
    copy.addAll(entries);
    copy.add(entry);
    return new KeyPath(Collections.unmodifiableList(copy));
  }

  /**
   * This path followed by another path.
   *
   * @param suffix the path to add at the end
   * @return a new path
   */
  public KeyPath concat(KeyPath suffix) {
    if (suffix.isRoot()) {
      return this;
    }
    if (isRoot()) {
      return suffix;
    }
    List<PathEntry> copy = new ArrayList<>(entries.size() + suffix.entries.size());
    copy.addAll(entries);
    copy.addAll(suffix.entries);
    return new KeyPath(Collections.unmodifiableList(copy));
  }

  /**
   * Whether this path begins with all the entries of {@code prefix}.
   *
   * @param prefix the candidate prefix
   * @return true if this path equals or extends {@code prefix}
   */
  public boolean startsWith(KeyPath prefix) {
    return prefix.entries.size() <= entries.size()
        && entries.subList(0, prefix.entries.size()).equals(prefix.entries);
  }

  /** Two paths are equal when their entries are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof KeyPath p && entries.equals(p.entries);
  }

  @Override
  public int hashCode() {
    return entries.hashCode();
  }

  /** The concatenated entries, e.g. {@code [0]['w'].bias}, or {@code <root>} for the empty path. */
  @Override
  public String toString() {
    if (entries.isEmpty()) {
      return "<root>";
    }
    StringBuilder sb = new StringBuilder();
    for (PathEntry e : entries) {
      sb.append(e);
    }
    return sb.toString();
  }
}
