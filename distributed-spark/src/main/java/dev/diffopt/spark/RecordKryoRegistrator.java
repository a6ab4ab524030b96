package dev.diffopt.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Teaches Spark's Kryo to move Java records (the runtime's parts and partial results, {@code
 * FlatTensors}, {@code MetaGradient}, and users' task records): Kryo's field serializer cannot
 * write a record's final fields on Java 17, so records go through Java serialization inside Kryo,
 * everything else through Kryo itself. {@link SparkRuntime} sets it as {@code
 * spark.kryo.registrator}.
 */
public final class RecordKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.addDefaultSerializer(Record.class, JavaSerializer.class);
  }
}
