package dev.beamllm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.Image;
import dev.beamllm.prompt.InvalidPromptException;
import dev.beamllm.prompt.Message;
import dev.beamllm.prompt.Part;
import dev.beamllm.prompt.Role;
import dev.beamllm.prompt.Text;
import dev.beamllm.prompt.TokenCounter;
import dev.beamllm.prompt.internal.Digests;
import dev.beamllm.prompt.internal.Json;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Cohere embed v2 ({@code POST /v2/embed}, bearer key): {@code texts}, {@code images} or {@code
 * inputs}, with {@code input_type} required from Embed v3 on. Each input gets a deterministic unit
 * vector seeded by a hash of the input (its text, images by their bytes), so equal inputs embed
 * equally; the other {@code embedding_types} are quantizations of it. Reference:
 * docs.cohere.com/reference/embed.
 */
final class CohereEmbedDialect implements Dialect {
  private static final int MAX_INPUTS = 96;
  private static final int DEFAULT_DIMENSIONS = 1024;
  private static final Set<Integer> DIMENSIONS = Set.of(256, 512, 1024, 1536);
  private static final Set<String> INPUT_TYPES =
      Set.of("search_document", "search_query", "classification", "clustering", "image");
  private static final Set<String> EMBEDDING_TYPES =
      Set.of("float", "int8", "uint8", "binary", "ubinary", "base64");
  private static final Set<String> TRUNCATE = Set.of("NONE", "START", "END");

  @Override
  public String name() {
    return "cohere-embed";
  }

  /**
   * One user message per input and no output tokens. What the answer needs besides the inputs
   * (embedding types, dimensions, whether texts were sent) travels in the request's options.
   */
  @Override
  public ParsedRequest parse(FakeHttpRequest request, String pathModel) {
    ObjectNode body = Bodies.object(request, "invalid request: the request body is not valid JSON");
    String model = Bodies.requiredString(body, "model", "invalid request: model is required");
    boolean v2Model = model.matches("embed-.*v2\\.0");
    String inputType = body.path("input_type").asText(null);
    if (inputType == null && !v2Model) {
      throw CohereWire.invalid(
          "valid input_type must be provided with the provided model", "input_type");
    }
    if (inputType != null && !INPUT_TYPES.contains(inputType)) {
      throw CohereWire.invalid(
          "input_type must be one of "
              + String.join(", ", INPUT_TYPES.stream().sorted().toList())
              + ", got '"
              + inputType
              + "'",
          "input_type");
    }
    List<String> types = embeddingTypes(body.get("embedding_types"), v2Model);
    int dimensions =
        Bodies.intField(body, "output_dimension", 1, Integer.MAX_VALUE, DEFAULT_DIMENSIONS);
    if (!DIMENSIONS.contains(dimensions)) {
      throw CohereWire.invalid(
          "output_dimension must be one of 256, 512, 1024 or 1536, got " + dimensions,
          "output_dimension");
    }
    JsonNode truncate = body.get("truncate");
    if (truncate != null && !truncate.isNull() && !TRUNCATE.contains(truncate.asText())) {
      throw CohereWire.invalid(
          "truncate must be one of NONE, START or END, got " + truncate, "truncate");
    }
    List<Message> messages;
    try {
      messages = inputs(body);
    } catch (InvalidPromptException e) {
      throw CohereWire.invalid(e.getMessage(), "inputs");
    }
    long tokens = 0;
    for (Message m : messages) {
      tokens += TokenCounter.count(m.text());
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("embedding_types", types);
    meta.put("dimensions", dimensions);
    meta.put("texts", body.has("texts"));
    return ParsedRequest.ofInputs(
        model, Conversation.of(messages), tokens, Json.write(Json.MAPPER.valueToTree(meta)));
  }

  /**
   * The requested embedding types, {@code float} by default and the only one Embed v2 models give.
   */
  private static List<String> embeddingTypes(JsonNode node, boolean v2Model) {
    if (node == null || node.isNull()) {
      return List.of("float");
    }
    if (!node.isArray() || node.isEmpty()) {
      throw CohereWire.invalid("embedding_types must be a non-empty list", "embedding_types");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode t : node) {
      String type = t.asText();
      if (!EMBEDDING_TYPES.contains(type) || v2Model && !type.equals("float")) {
        throw CohereWire.invalid(
            "embedding_types: '" + type + "' is not supported by this model", "embedding_types");
      }
      out.add(type);
    }
    return out;
  }

  /** Exactly one of {@code texts}, {@code images} and {@code inputs}, as user messages. */
  private static List<Message> inputs(ObjectNode body) {
    long given =
        List.of("texts", "images", "inputs").stream().filter(f -> body.hasNonNull(f)).count();
    if (given != 1) {
      throw CohereWire.invalid("exactly one of texts, images or inputs must be provided", "texts");
    }
    List<Message> out = new ArrayList<>();
    if (body.hasNonNull("texts")) {
      for (JsonNode t : list(body.get("texts"), "texts", MAX_INPUTS)) {
        if (!t.isTextual()) {
          throw CohereWire.invalid("texts must be a list of strings", "texts");
        }
        out.add(Message.user(t.textValue()));
      }
    } else if (body.hasNonNull("images")) {
      for (JsonNode url : list(body.get("images"), "images", 1)) {
        out.add(Message.of(Role.USER, List.of(Image.fromUrl(url.asText()))));
      }
    } else {
      for (JsonNode input : list(body.get("inputs"), "inputs", MAX_INPUTS)) {
        List<Part> parts = new ArrayList<>();
        for (JsonNode item : list(input.get("content"), "inputs[].content", Integer.MAX_VALUE)) {
          String type = item.path("type").asText("");
          switch (type) {
            case "text" -> parts.add(new Text(item.path("text").asText()));
            case "image_url" ->
                parts.add(Image.fromUrl(item.path("image_url").path("url").asText()));
            default ->
                throw CohereWire.invalid(
                    "inputs[].content[].type must be text or image_url, got '" + type + "'",
                    "inputs");
          }
        }
        out.add(Message.of(Role.USER, parts));
      }
    }
    return out;
  }

  private static JsonNode list(JsonNode node, String field, int max) {
    if (node == null || !node.isArray() || node.isEmpty() || node.size() > max) {
      throw CohereWire.invalid(field + " must be a list of 1 to " + max + " items", field);
    }
    return node;
  }

  @Override
  public FakeHttpResponse success(ParsedRequest request, Answer answer, RateLimitState limits) {
    Map<String, Object> meta = Json.toMap(Json.parse(request.options()));
    @SuppressWarnings("unchecked")
    List<String> types = (List<String>) meta.get("embedding_types");
    int dimensions = ((Number) meta.get("dimensions")).intValue();
    ObjectNode root = Json.object();
    root.put("id", CohereWire.id(request.conversation().fingerprint() + request.model()));
    ObjectNode embeddings = root.putObject("embeddings");
    types.forEach(embeddings::putArray);
    int images = 0;
    ArrayNode texts = Json.MAPPER.createArrayNode();
    for (Message m : request.conversation().messages()) {
      float[] vector = vector(Conversation.of(m).fingerprint(), dimensions);
      types.forEach(t -> ((ArrayNode) embeddings.get(t)).add(FakeEmbeddings.encode(t, vector)));
      images += m.partsOf(Image.class).size();
      texts.add(m.text());
    }
    if (Boolean.TRUE.equals(meta.get("texts"))) {
      root.set("texts", texts);
    }
    ObjectNode billed =
        CohereWire.meta(root, 2)
            .putObject("billed_units")
            .put("input_tokens", answer.totalInputTokens());
    if (images > 0) {
      billed.put("images", images);
    }
    root.put("response_type", "embeddings_by_type");
    return FakeHttpResponse.json(200, Json.write(root));
  }

  /** A unit vector of Gaussian components, seeded by the input's hash. */
  static float[] vector(String seed, int dimensions) {
    SplittableRandom random =
        new SplittableRandom(ByteBuffer.wrap(Digests.sha256("embed:" + seed)).getLong());
    double[] v = new double[dimensions];
    double norm = 0;
    for (int i = 0; i < dimensions; i++) {
      v[i] = random.nextGaussian();
      norm += v[i] * v[i];
    }
    norm = Math.sqrt(norm);
    float[] out = new float[dimensions];
    for (int i = 0; i < dimensions; i++) {
      out[i] = (float) (v[i] / norm);
    }
    return out;
  }

  @Override
  public FakeHttpResponse error(
      ErrorKind kind, String message, String param, RateLimitState limits) {
    return CohereWire.error(kind, message, limits);
  }
}
