package dev.diffopt.tree;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;

/** Cached reflective access to the components and canonical constructor of a record class. */
final class RecordInfo {
  private static final ClassValue<RecordInfo> CACHE =
      new ClassValue<>() {
        @Override
        protected RecordInfo computeValue(Class<?> type) {
          return new RecordInfo(type);
        }
      };

  private final Class<?> type;
  private final String[] names;
  private final Class<?>[] types;
  private final Method[] accessors;
  private final Constructor<?> constructor;
  private final String constructorProblem;

  private RecordInfo(Class<?> type) {
    this.type = type;
    RecordComponent[] components = type.getRecordComponents();
    names = new String[components.length];
    types = new Class<?>[components.length];
    accessors = new Method[components.length];
    for (int i = 0; i < components.length; i++) {
      names[i] = components[i].getName();
      types[i] = components[i].getType();
      accessors[i] = components[i].getAccessor();
      accessors[i].trySetAccessible();
    }
    Constructor<?> c = null;
    String problem = null;
    try {
      c = type.getDeclaredConstructor(types);
      c.trySetAccessible();
    } catch (NoSuchMethodException | SecurityException e) {
      problem = e.toString();
    }
    constructor = c;
    constructorProblem = problem;
  }

  static RecordInfo of(Class<?> type) {
    return CACHE.get(type);
  }

  int size() {
    return names.length;
  }

  String name(int i) {
    return names[i];
  }

  /** The component values of {@code record}, in declaration order. */
  List<Object> components(Object record) {
    List<Object> values = new ArrayList<>(accessors.length);
    for (int i = 0; i < accessors.length; i++) {
      try {
        values.add(accessors[i].invoke(record));
      } catch (InvocationTargetException e) {
        throw new IllegalArgumentException(
            "accessor "
                + type.getName()
                + "."
                + names[i]
                + "() threw "
                + e.getCause(),
            e.getCause());
      } catch (IllegalAccessException e) {
        throw new IllegalArgumentException(
            "cannot read component "
                + names[i]
                + " of record "
                + type.getName()
                + " (open its package to module dev.diffopt.api): "
                + e.getMessage(),
            e);
      }
    }
    return values;
  }

  /** Calls the canonical constructor with {@code values}. */
  Object construct(List<Object> values) {
    if (constructor == null) {
      throw new IllegalArgumentException(
          "cannot rebuild record "
              + type.getName()
              + ": no canonical constructor found: "
              + constructorProblem);
    }
    try {
      return constructor.newInstance(values.toArray());
    } catch (InvocationTargetException e) {
      throw new IllegalArgumentException(
          "cannot rebuild record "
              + type.getName()
              + ": its canonical constructor threw "
              + e.getCause(),
          e.getCause());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "cannot rebuild record "
              + type.getName()
              + signature()
              + " from values of types "
              + valueTypes(values)
              + ": "
              + e.getMessage(),
          e);
    } catch (IllegalAccessException | InstantiationException e) {
      throw new IllegalArgumentException(
          "cannot rebuild record "
              + type.getName()
              + ": canonical constructor not accessible (open its package to module"
              + " dev.diffopt.api): "
              + e.getMessage(),
          e);
    }
  }

  private String signature() {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < names.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(types[i].getSimpleName()).append(' ').append(names[i]);
    }
    return sb.append(')').toString();
  }

  private static String valueTypes(List<Object> values) {
    List<String> out = new ArrayList<>(values.size());
    for (Object v : values) {
      out.add(v == null ? "null" : v.getClass().getSimpleName());
    }
    return out.toString();
  }
}
