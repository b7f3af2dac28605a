package dev.pier.runtime.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.pier.runtime.grpc.proto.InferParameter;
import dev.pier.runtime.grpc.proto.InferTensorContents;
import dev.pier.runtime.grpc.proto.ModelInferRequest;
import dev.pier.runtime.grpc.proto.ModelInferRequest.InferInputTensor;
import dev.pier.runtime.grpc.proto.ModelInferResponse;
import dev.pier.runtime.grpc.proto.ModelInferResponse.InferOutputTensor;
import dev.pier.runtime.protocol.InferenceException;
import dev.pier.runtime.tensor.BufferPool;
import dev.pier.runtime.tensor.DataType;
import dev.pier.runtime.tensor.Parameters;
import dev.pier.runtime.tensor.Shapes;
import dev.pier.runtime.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Converts tensors between the OIP gRPC messages and {@link Tensor}.
 *
 * <p>Inputs arrive either as typed {@code contents} or as {@code raw_input_contents} (one entry per
 * input, little-endian, BYTES elements each prefixed by a 4-byte little-endian length, as Triton
 * lays them out). Either way the data lands in one direct little-endian buffer, which ONNX Runtime
 * reads without another copy. Every mismatch is an {@code INVALID_ARGUMENT} naming the input.
 *
 * <p>FP16 and BF16 have no typed field. Pier accepts them raw, or as {@code fp32_contents} that it
 * rounds to the nearest half or bfloat16 value (ties to even), so that a client without half
 * support can still call a half-precision model. They always go back raw.
 *
 * <p>Outputs go back in the form the request used: {@code raw_output_contents} when the request
 * sent raw inputs, set the request parameter {@code binary_data_output} to true, or when any output
 * is FP16 or BF16 (raw is all-or-nothing per response); otherwise typed {@code contents}.
 */
final class GrpcTensors {

  /** Request parameter asking for raw outputs although the inputs were typed. */
  static final String BINARY_DATA_OUTPUT = "binary_data_output";

  /** Bytes of the little-endian length that precedes each raw BYTES element. */
  private static final int LENGTH_PREFIX_BYTES = Integer.BYTES;

  private GrpcTensors() {}

  static List<Tensor> decodeInputs(ModelInferRequest request) {
    int inputCount = request.getInputsCount();
    int rawCount = request.getRawInputContentsCount();
    boolean raw = rawCount > 0;
    if (raw && rawCount != inputCount) {
      throw InferenceException.invalid(
          "raw_input_contents has "
              + rawCount
              + " entries but the request has "
              + inputCount
              + " inputs; send one entry per input, in input order");
    }
    List<Tensor> tensors = new ArrayList<>(inputCount);
    Set<String> names = new HashSet<>(inputCount * 2);
    for (int index = 0; index < inputCount; index++) {
      InferInputTensor input = request.getInputs(index);
      if (input.getName().isEmpty()) {
        throw InferenceException.invalid("input #" + index + " has no name");
      }
      String label = "input '" + input.getName() + "'";
      if (!names.add(input.getName())) {
        throw InferenceException.invalid(label + " appears more than once");
      }
      DataType datatype =
          DataType.fromWireName(input.getDatatype())
              .orElseThrow(
                  () ->
                      InferenceException.invalid(
                          label + " has unknown datatype '" + input.getDatatype() + "'"));
      long[] shape = shape(input, label);
      int count = elementCount(shape, label);
      Parameters parameters = GrpcParameters.fromWire(input.getParametersMap(), label);
      if (raw) {
        if (input.hasContents()) {
          throw InferenceException.invalid(
              label
                  + " has contents although the request carries raw_input_contents;"
                  + " send all inputs either as contents or as raw_input_contents");
        }
        tensors.add(
            fromRaw(
                input.getName(),
                label,
                datatype,
                shape,
                count,
                request.getRawInputContents(index),
                parameters));
      } else {
        tensors.add(
            fromContents(
                input.getName(), label, datatype, shape, count, input.getContents(), parameters));
      }
    }
    return tensors;
  }

  /** Whether the response carries its outputs as {@code raw_output_contents}. */
  static boolean rawOutputs(ModelInferRequest request, List<Tensor> outputs) {
    if (request.getRawInputContentsCount() > 0) {
      return true;
    }
    InferParameter binary = request.getParametersMap().get(BINARY_DATA_OUTPUT);
    if (binary != null
        && binary.getParameterChoiceCase() == InferParameter.ParameterChoiceCase.BOOL_PARAM
        && binary.getBoolParam()) {
      return true;
    }
    for (Tensor output : outputs) {
      if (!hasTypedContents(output.datatype())) {
        return true;
      }
    }
    return false;
  }

  static void encodeOutputs(
      List<Tensor> outputs, boolean raw, ModelInferResponse.Builder response) {
    for (Tensor output : outputs) {
      int count = heldElementCount(output);
      var tensor =
          InferOutputTensor.newBuilder()
              .setName(output.name())
              .setDatatype(output.datatype().name())
              .putAllParameters(GrpcParameters.toWire(output.parameters()));
      for (long dimension : output.shape()) {
        tensor.addShape(dimension);
      }
      if (raw) {
        response.addRawOutputContents(toRaw(output));
      } else {
        tensor.setContents(toContents(output, count));
      }
      response.addOutputs(tensor);
    }
  }

  private static boolean hasTypedContents(DataType datatype) {
    return datatype != DataType.FP16 && datatype != DataType.BF16;
  }

  private static long[] shape(InferInputTensor input, String label) {
    long[] shape = new long[input.getShapeCount()];
    for (int index = 0; index < shape.length; index++) {
      shape[index] = input.getShape(index);
      if (shape[index] < 0) {
        throw InferenceException.invalid(
            label + " has a negative dimension in shape " + input.getShapeList());
      }
    }
    return shape;
  }

  private static int elementCount(long[] shape, String label) {
    long count = Shapes.elementCount(shape);
    if (count < 0) {
      throw InferenceException.invalid(
          label
              + " shape "
              + Shapes.format(shape)
              + " has more than "
              + Integer.MAX_VALUE
              + " elements");
    }
    return (int) count;
  }

  private static Tensor fromRaw(
      String name,
      String label,
      DataType datatype,
      long[] shape,
      int count,
      ByteString raw,
      Parameters parameters) {
    if (datatype == DataType.BYTES) {
      return Tensor.ofStrings(name, shape, rawStrings(label, count, raw), parameters);
    }
    long expectedBytes = (long) count * datatype.byteWidth();
    if (raw.size() != expectedBytes) {
      throw InferenceException.invalid(
          label
              + " has "
              + raw.size()
              + " bytes of raw_input_contents but "
              + datatype
              + " "
              + Shapes.format(shape)
              + " needs "
              + expectedBytes);
    }
    ByteBuffer data = BufferPool.acquire(raw.size());
    raw.copyTo(data);
    data.flip();
    return Tensor.ofFixedWidth(name, datatype, shape, data, parameters);
  }

  private static byte[][] rawStrings(String label, int count, ByteString raw) {
    // Checked before allocating, so a huge shape with little data cannot reserve the array.
    if (count > raw.size() / LENGTH_PREFIX_BYTES) {
      throw InferenceException.invalid(
          label
              + " has "
              + raw.size()
              + " bytes of raw BYTES data, too few for "
              + count
              + " length-prefixed elements");
    }
    ByteBuffer source = raw.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    byte[][] strings = new byte[count][];
    for (int element = 0; element < count; element++) {
      if (source.remaining() < LENGTH_PREFIX_BYTES) {
        throw InferenceException.invalid(
            label + " raw BYTES data ends in the length prefix of element " + element);
      }
      int length = source.getInt();
      if (length < 0 || length > source.remaining()) {
        throw InferenceException.invalid(
            label
                + " raw BYTES element "
                + element
                + " declares "
                + Integer.toUnsignedString(length)
                + " bytes but only "
                + source.remaining()
                + " remain");
      }
      strings[element] = new byte[length];
      source.get(strings[element]);
    }
    if (source.hasRemaining()) {
      throw InferenceException.invalid(
          label
              + " raw BYTES data has "
              + source.remaining()
              + " bytes left over after its "
              + count
              + " elements");
    }
    return strings;
  }

  private static Tensor fromContents(
      String name,
      String label,
      DataType datatype,
      long[] shape,
      int count,
      InferTensorContents contents,
      Parameters parameters) {
    // Checked before allocating, so a huge shape with little data cannot reserve the memory.
    int actual = contentsCount(datatype, contents);
    if (actual != count) {
      throw InferenceException.invalid(
          label
              + " has "
              + actual
              + " values in "
              + contentsField(datatype)
              + " but "
              + datatype
              + " "
              + Shapes.format(shape)
              + " needs "
              + count);
    }
    if (datatype == DataType.BYTES) {
      byte[][] strings = new byte[count][];
      for (int index = 0; index < count; index++) {
        strings[index] = contents.getBytesContents(index).toByteArray();
      }
      return Tensor.ofStrings(name, shape, strings, parameters);
    }
    long bytes = (long) count * datatype.byteWidth();
    if (bytes > Integer.MAX_VALUE) {
      throw InferenceException.invalid(
          label + " " + datatype + " " + Shapes.format(shape) + " is larger than 2 GiB");
    }
    ByteBuffer data = BufferPool.acquire((int) bytes);
    switch (datatype) {
      case BOOL -> {
        for (int index = 0; index < count; index++) {
          data.put(index, contents.getBoolContents(index) ? (byte) 1 : (byte) 0);
        }
      }
      case INT8 -> {
        for (int index = 0; index < count; index++) {
          int value = contents.getIntContents(index);
          if (value < Byte.MIN_VALUE || value > Byte.MAX_VALUE) {
            throw outOfRange(label, datatype, index, Integer.toString(value));
          }
          data.put(index, (byte) value);
        }
      }
      case INT16 -> {
        ShortBuffer shorts = data.asShortBuffer();
        for (int index = 0; index < count; index++) {
          int value = contents.getIntContents(index);
          if (value < Short.MIN_VALUE || value > Short.MAX_VALUE) {
            throw outOfRange(label, datatype, index, Integer.toString(value));
          }
          shorts.put(index, (short) value);
        }
      }
      case INT32 -> {
        IntBuffer ints = data.asIntBuffer();
        for (int index = 0; index < count; index++) {
          ints.put(index, contents.getIntContents(index));
        }
      }
      case INT64 -> {
        LongBuffer longs = data.asLongBuffer();
        for (int index = 0; index < count; index++) {
          longs.put(index, contents.getInt64Contents(index));
        }
      }
      case UINT8 -> {
        for (int index = 0; index < count; index++) {
          // uint32 arrives in the bits of an int: compare unsigned.
          int value = contents.getUintContents(index);
          if (Integer.compareUnsigned(value, 0xFF) > 0) {
            throw outOfRange(label, datatype, index, Integer.toUnsignedString(value));
          }
          data.put(index, (byte) value);
        }
      }
      case UINT16 -> {
        ShortBuffer shorts = data.asShortBuffer();
        for (int index = 0; index < count; index++) {
          int value = contents.getUintContents(index);
          if (Integer.compareUnsigned(value, 0xFFFF) > 0) {
            throw outOfRange(label, datatype, index, Integer.toUnsignedString(value));
          }
          shorts.put(index, (short) value);
        }
      }
      case UINT32 -> {
        IntBuffer ints = data.asIntBuffer();
        for (int index = 0; index < count; index++) {
          ints.put(index, contents.getUintContents(index));
        }
      }
      case UINT64 -> {
        LongBuffer longs = data.asLongBuffer();
        for (int index = 0; index < count; index++) {
          longs.put(index, contents.getUint64Contents(index));
        }
      }
      case FP16 -> {
        ShortBuffer halves = data.asShortBuffer();
        for (int index = 0; index < count; index++) {
          halves.put(index, Float.floatToFloat16(contents.getFp32Contents(index)));
        }
      }
      case BF16 -> {
        ShortBuffer halves = data.asShortBuffer();
        for (int index = 0; index < count; index++) {
          halves.put(index, floatToBfloat16(contents.getFp32Contents(index)));
        }
      }
      case FP32 -> {
        FloatBuffer floats = data.asFloatBuffer();
        for (int index = 0; index < count; index++) {
          floats.put(index, contents.getFp32Contents(index));
        }
      }
      case FP64 -> {
        DoubleBuffer doubles = data.asDoubleBuffer();
        for (int index = 0; index < count; index++) {
          doubles.put(index, contents.getFp64Contents(index));
        }
      }
      case BYTES -> throw new IllegalStateException("BYTES is decoded above");
    }
    return Tensor.ofFixedWidth(name, datatype, shape, data, parameters);
  }

  /**
   * Rounds to the nearest bfloat16, ties to even: bfloat16 is the top half of a float, so add half
   * of the dropped part (less one when the kept part is even) and truncate.
   */
  static short floatToBfloat16(float value) {
    int bits = Float.floatToRawIntBits(value);
    if (Float.isNaN(value)) {
      // Set the quiet bit so that a NaN whose payload sits in the dropped half stays a NaN.
      return (short) ((bits >>> 16) | 0x0040);
    }
    int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + roundingBias) >>> 16);
  }

  /** The typed field that carries a datatype; FP16 and BF16 borrow fp32_contents. */
  private static String contentsField(DataType datatype) {
    return switch (datatype) {
      case BOOL -> "bool_contents";
      case INT8, INT16, INT32 -> "int_contents";
      case INT64 -> "int64_contents";
      case UINT8, UINT16, UINT32 -> "uint_contents";
      case UINT64 -> "uint64_contents";
      case FP16, BF16, FP32 -> "fp32_contents";
      case FP64 -> "fp64_contents";
      case BYTES -> "bytes_contents";
    };
  }

  private static int contentsCount(DataType datatype, InferTensorContents contents) {
    return switch (datatype) {
      case BOOL -> contents.getBoolContentsCount();
      case INT8, INT16, INT32 -> contents.getIntContentsCount();
      case INT64 -> contents.getInt64ContentsCount();
      case UINT8, UINT16, UINT32 -> contents.getUintContentsCount();
      case UINT64 -> contents.getUint64ContentsCount();
      case FP16, BF16, FP32 -> contents.getFp32ContentsCount();
      case FP64 -> contents.getFp64ContentsCount();
      case BYTES -> contents.getBytesContentsCount();
    };
  }

  private static InferenceException outOfRange(
      String label, DataType datatype, int index, String value) {
    return InferenceException.invalid(
        label + " element " + index + " value " + value + " is out of range for " + datatype);
  }

  /**
   * The number of elements an output holds, which must be what its shape says: a mismatch is a
   * fault of the model layer, never of the caller.
   */
  private static int heldElementCount(Tensor output) {
    long expected = Shapes.elementCount(output.shape());
    long held;
    if (output.datatype() == DataType.BYTES) {
      held = output.strings().length;
    } else {
      int bytes = output.data().remaining();
      held =
          bytes % output.datatype().byteWidth() == 0 ? bytes / output.datatype().byteWidth() : -1;
    }
    if (expected < 0 || held != expected) {
      throw new IllegalStateException(
          "output '"
              + output.name()
              + "' holds "
              + held
              + " elements but its shape "
              + Shapes.format(output.shape())
              + " needs "
              + expected);
    }
    return (int) expected;
  }

  private static ByteString toRaw(Tensor output) {
    if (output.datatype() != DataType.BYTES) {
      // A copy, not a wrap: the buffer may be ONNX Runtime's, freed once the model layer closes
      // its result, which can happen before gRPC serializes this message.
      return ByteString.copyFrom(output.data().duplicate());
    }
    long total = 0;
    for (byte[] element : output.strings()) {
      total += LENGTH_PREFIX_BYTES + element.length;
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalStateException(
          "output '" + output.name() + "' has more than 2 GiB of BYTES data");
    }
    ByteBuffer target = ByteBuffer.allocate((int) total).order(ByteOrder.LITTLE_ENDIAN);
    for (byte[] element : output.strings()) {
      target.putInt(element.length);
      target.put(element);
    }
    // The array is ours alone and never written again, so it can back the ByteString directly.
    return UnsafeByteOperations.unsafeWrap(target.array());
  }

  private static InferTensorContents toContents(Tensor output, int count) {
    var contents = InferTensorContents.newBuilder();
    if (output.datatype() == DataType.BYTES) {
      for (byte[] element : output.strings()) {
        contents.addBytesContents(ByteString.copyFrom(element));
      }
      return contents.build();
    }
    // slice() restarts at the buffer's position and, like every view, reads big-endian until told.
    ByteBuffer data = output.data().slice().order(ByteOrder.LITTLE_ENDIAN);
    switch (output.datatype()) {
      case BOOL -> {
        for (int index = 0; index < count; index++) {
          contents.addBoolContents(data.get(index) != 0);
        }
      }
      case INT8 -> {
        for (int index = 0; index < count; index++) {
          contents.addIntContents(data.get(index));
        }
      }
      case INT16 -> {
        ShortBuffer shorts = data.asShortBuffer();
        for (int index = 0; index < count; index++) {
          contents.addIntContents(shorts.get(index));
        }
      }
      case INT32 -> {
        IntBuffer ints = data.asIntBuffer();
        for (int index = 0; index < count; index++) {
          contents.addIntContents(ints.get(index));
        }
      }
      case INT64 -> {
        LongBuffer longs = data.asLongBuffer();
        for (int index = 0; index < count; index++) {
          contents.addInt64Contents(longs.get(index));
        }
      }
      case UINT8 -> {
        for (int index = 0; index < count; index++) {
          contents.addUintContents(Byte.toUnsignedInt(data.get(index)));
        }
      }
      case UINT16 -> {
        ShortBuffer shorts = data.asShortBuffer();
        for (int index = 0; index < count; index++) {
          contents.addUintContents(Short.toUnsignedInt(shorts.get(index)));
        }
      }
      case UINT32 -> {
        IntBuffer ints = data.asIntBuffer();
        for (int index = 0; index < count; index++) {
          contents.addUintContents(ints.get(index));
        }
      }
      case UINT64 -> {
        LongBuffer longs = data.asLongBuffer();
        for (int index = 0; index < count; index++) {
          contents.addUint64Contents(longs.get(index));
        }
      }
      case FP32 -> {
        FloatBuffer floats = data.asFloatBuffer();
        for (int index = 0; index < count; index++) {
          contents.addFp32Contents(floats.get(index));
        }
      }
      case FP64 -> {
        DoubleBuffer doubles = data.asDoubleBuffer();
        for (int index = 0; index < count; index++) {
          contents.addFp64Contents(doubles.get(index));
        }
      }
      case FP16, BF16, BYTES ->
          throw new IllegalStateException(
              output.datatype() + " has no typed contents; rawOutputs() should have chosen raw");
    }
    return contents.build();
  }
}
