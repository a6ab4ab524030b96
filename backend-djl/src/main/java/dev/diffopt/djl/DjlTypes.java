package dev.diffopt.djl;

import ai.djl.ndarray.types.DataType;
import dev.diffopt.tensor.DType;

/** Conversions between diffopt's {@link DType} and DJL's {@link DataType}. */
final class DjlTypes {
  private DjlTypes() {}

  static DataType toDjl(DType dtype) {
    return switch (dtype) {
      case FLOAT32 -> DataType.FLOAT32;
      case FLOAT64 -> DataType.FLOAT64;
      case INT32 -> DataType.INT32;
      case INT64 -> DataType.INT64;
      case BOOL -> DataType.BOOLEAN;
    };
  }

  static DType toDiffopt(DataType type) {
    return switch (type) {
      case FLOAT32 -> DType.FLOAT32;
      case FLOAT64 -> DType.FLOAT64;
      case INT32 -> DType.INT32;
      case INT64 -> DType.INT64;
      case BOOLEAN -> DType.BOOL;
      default -> throw new IllegalArgumentException(
          "DJL data type " + type + " has no diffopt equivalent (supported: float32, float64, "
              + "int32, int64, boolean)");
    };
  }
}
