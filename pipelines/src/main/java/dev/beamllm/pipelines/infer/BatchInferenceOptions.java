package dev.beamllm.pipelines.infer;

import com.fasterxml.jackson.annotation.JsonIgnore;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The options of {@link BatchInference}; {@code --help} lists them the Beam way. */
public interface BatchInferenceOptions extends PipelineOptions {
  @Description(
      "Prompts: JSONL (one request per line, see README) or CSV with a 'prompt' column; local paths and globs")
  String getInput();

  void setInput(String value);

  @Description("Where the answers go: a JSONL file, one line per answered row")
  @Default.String("out/answers.jsonl")
  String getOutput();

  void setOutput(String value);

  @Description("Where failures go: a JSONL file with id, error kind, message and the original row")
  @Default.String("out/failures.jsonl")
  String getFailures();

  void setFailures(String value);

  @Description("Models to spray across, comma-separated ids or aliases")
  @Default.String("gpt-4.1-mini")
  String getModels();

  void setModels(String value);

  @Description("Model weights, comma-separated (uniform when not given)")
  String getWeights();

  void setWeights(String value);

  @Description(
      "Requests per minute for the whole job, whatever models the rows name (0: unlimited)")
  @Default.Long(0)
  Long getRpm();

  void setRpm(Long value);

  @Description("Tokens per minute for the whole job, whatever models the rows name (0: unlimited)")
  @Default.Long(0)
  Long getTpm();

  void setTpm(Long value);

  @Description(
      "Limits of single models, as JSON: {\"gpt-4.1-mini\": {\"rpm\": 500, \"tpm\": 200000}, ...} (in a --config"
          + " file, a YAML mapping under modelLimits), held within --rpm/--tpm")
  String getModelLimits();

  void setModelLimits(String value);

  @Description("Requests in flight at once")
  @Default.Integer(1000)
  Integer getMaxConcurrent();

  void setMaxConcurrent(Integer value);

  @Description(
      "Worker JVMs that split --rpm, --tpm, --maxConcurrent, --modelLimits and --maxCost statically: each enforces"
          + " 1/n of them (on a Flink cluster, one per TaskManager; a worker that idles wastes its"
          + " share). Not with --sharedLimits, which holds the whole quota for every worker at once")
  @Default.Integer(1)
  Integer getLimitShares();

  void setLimitShares(Integer value);

  @Description("Attempts per request in each stage")
  @Default.Integer(5)
  Integer getMaxAttempts();

  void setMaxAttempts(Integer value);

  @Description("Timeout of one attempt, in seconds")
  @Default.Double(60)
  Double getRequestTimeout();

  void setRequestTimeout(Double value);

  @Description("Output limit of rows that give none")
  @Default.Integer(512)
  Integer getMaxNewTokens();

  void setMaxNewTokens(Integer value);

  @Description("Sampling temperature (the provider's default when not given)")
  Double getTemperature();

  void setTemperature(Double value);

  @Description(
      "Nucleus sampling mass, above 0 and at most 1 (the provider's default when not given)")
  Double getTopP();

  void setTopP(Double value);

  @Description("Ask every model for a JSON object")
  @Default.Boolean(false)
  Boolean getJsonMode();

  void setJsonMode(Boolean value);

  @Description(
      "A JSON schema every answer must satisfy: a file (schema.json) or the schema itself ({\"type\": ...})")
  String getOutputSchema();

  void setOutputSchema(String value);

  @Description("How hard reasoning models think: none, minimal, low, medium, high or xhigh")
  String getReasoningEffort();

  void setReasoningEffort(String value);

  @Description(
      "A thinking budget in tokens for models that take one (Claude, Gemini 2.5, Cohere); 0 turns thinking off")
  Integer getThinkingBudget();

  void setThinkingBudget(Integer value);

  @Description("How long answers should be, for OpenAI's GPT-5 family: low, medium or high")
  String getVerbosity();

  void setVerbosity(String value);

  @Description("How much detail images and PDF pages get on Gemini: low, medium or high")
  String getMediaResolution();

  void setMediaResolution(String value);

  @Description("Ask for per-token log-probabilities")
  @Default.Boolean(false)
  Boolean getLogprobs();

  void setLogprobs(Boolean value);

  @Description("Alternatives per token with --logprobs (0 to 20)")
  Integer getTopLogprobs();

  void setTopLogprobs(Integer value);

  @Description(
      "The providers' service tier (flex, priority, auto, ...), sent to those that take one")
  String getServiceTier();

  void setServiceTier(String value);

  @Description(
      "Headers added to every request, as JSON: {\"x-team\": \"data\"} (no keys: they would be in the job's settings)")
  String getExtraHeaders();

  void setExtraHeaders(String value);

  @Description(
      "A JSON object merged into every request body, for provider fields without a flag: {\"top_k\": 40}")
  String getExtraBody();

  void setExtraBody(String value);

  @Description("The seed of the weighted model choice, so a run sprays the same way again")
  @Default.Long(0)
  Long getSeed();

  void setSeed(Long value);

  @Description("Send OpenAI's own models through the Responses API where they have it")
  @Default.Boolean(false)
  Boolean getResponsesApi();

  void setResponsesApi(Boolean value);

  @Description(
      "Run requests as polled background jobs where the API can (OpenAI Responses); --requestTimeout then"
          + " bounds each whole job")
  @Default.Boolean(false)
  Boolean getBackgroundMode();

  void setBackgroundMode(Boolean value);

  @Description(
      "Remote MCP servers the provider calls itself (OpenAI Responses, Anthropic): a JSON file in"
          + " Claude Desktop's form with HTTP servers only ({\"mcpServers\": {name: {url,"
          + " headers}}}); header values may be ${VAR}, read on the workers. Models whose API cannot"
          + " call MCP servers fail their rows (unsupported) unless --remoteMcp=local")
  String getRemoteMcpServers();

  void setRemoteMcpServers(String value);

  @Description(
      "Who runs the tools of --remoteMcpServers: provider (the default; sent in each request) or"
          + " local (not sent; every row then runs as an agent that calls them itself, for any model)")
  String getRemoteMcp();

  void setRemoteMcp(String value);

  @Description("Keep each provider's raw answer body in the output rows (for debugging; large)")
  @Default.Boolean(false)
  Boolean getKeepRawBody();

  void setKeepRawBody(Boolean value);

  @Description(
      "Answer cache: 'memory', the path of a SQLite file (e.g. out/cache.db), or a Redis URI shared by a"
          + " cluster's workers and later jobs: redis://[:password@]host:port[/db][?ttl=7d&namespace=name];"
          + " none when not given")
  // Read by the launcher only (the transform carries the store): kept out of the options a runner
  // serializes, such as a Dataflow job's, which every viewer of the job can read with its password.
  @JsonIgnore
  String getCache();

  void setCache(String value);

  @Description(
      "Hold --rpm, --tpm, --maxConcurrent, --modelLimits and --maxCost on this Redis server (redis://[:password@]host:port[/db]),"
          + " shared by every worker of every JVM of the job; jobs with the same --jobName share one quota")
  @JsonIgnore
  String getSharedLimits();

  void setSharedLimits(String value);

  @Description("A YAML file with any of these settings by name; command-line flags win")
  String getConfig();

  void setConfig(String value);

  @Description("A YAML or JSON file of extra models (vLLM, Ollama, ...)")
  String getModelsFile();

  void setModelsFile(String value);

  @Description("Start the embedded fake provider and send every model there (no keys needed)")
  @Default.Boolean(false)
  Boolean getFakeProvider();

  void setFakeProvider(Boolean value);

  @Description(
      "Where every answer is stored the moment it arrives, so a killed job run again pays only for the rows"
          + " it had not answered: a SQLite file (default: beside --output, <output>.checkpoint.db), a Redis URI"
          + " (redis://host:port[/db][?ttl=7d], for a cluster), or 'none'. --cache, when"
          + " given, is the checkpoint")
  @JsonIgnore
  String getCheckpoint();

  void setCheckpoint(String value);

  @Description(
      "Send identical rows (same conversation, model and settings) once and answer each under its own id;"
          + " false for deliberate repeated sampling")
  @Default.Boolean(true)
  Boolean getDedupe();

  void setDedupe(Boolean value);

  @Description(
      "Run every row as an agent with the tools of these MCP servers: a JSON file in Claude Desktop's"
          + " form ({\"mcpServers\": {name: {command, args, env} or {url, headers}}}). The tools are"
          + " listed before anything is sent; each answer line then also holds the row's turns, its"
          + " tool calls and its whole conversation")
  String getMcpServers();

  void setMcpServers(String value);

  @Description(
      "A hard cap on what the job spends, in dollars: each request's worst case (input and its"
          + " whole output limit) is reserved before it is sent and settled with its real cost;"
          + " rows that no longer fit are not sent and go to the failures file (error_kind budget)")
  Double getMaxCost();

  void setMaxCost(Double value);

  @Description(
      "Mark prompts for the provider's prompt cache (Anthropic, Claude and Nova on Bedrock; OpenAI"
          + " and Gemini cache on their own): none, tools_only, system_and_tools, last_user_message,"
          + " last_2_user_messages, last_3_user_messages or auto, optionally :1h for an hour's"
          + " lifetime (system_and_tools:1h). Rows sharing a long system prompt then pay a tenth for"
          + " it after the first")
  String getPromptCache();

  void setPromptCache(String value);

  @Description(
      "Tools the provider runs while it answers, comma-separated: web_search (OpenAI Responses,"
          + " Anthropic, Gemini) and code_interpreter (OpenAI Responses, Gemini). Rows then run as"
          + " agents (a turn the provider paused goes on, up to --maxTurns); their calls are in each"
          + " answer line (server_tool_uses); models whose API lacks one fail their rows (unsupported)")
  String getBuiltinTools();

  void setBuiltinTools(String value);

  @Description(
      "What the job does with each row: complete (answer it with --models) or embed (turn its text"
          + " into a vector with the one embedding model of --models; ./run.sh embed --model=M sets"
          + " both). Embedding lines hold id, model, embedding, dimensions, input_tokens, cost_usd;"
          + " or extract (answer it as JSON satisfying --schema); or translate (--targetLanguage),"
          + " classify (--classLabels) or score (--question), the ready helpers on each row's text")
  @Default.String("complete")
  String getTask();

  void setTask(String value);

  @Description(
      "With --task=extract: a JSON schema file; each row is answered as JSON satisfying it (sent to"
          + " the models natively, checked, one repair turn for an invalid answer), a line per row"
          + " with its id and the validated object")
  String getSchema();

  void setSchema(String value);

  @Description(
      "With --task=translate: the ISO 639-1 code of the language to translate each row's text into"
          + " (fr, de...); a row detected as already in it is kept as it is and not sent. A line per"
          + " row: id, text, source_language, target_language, sent, model, cost_usd")
  String getTargetLanguage();

  void setTargetLanguage(String value);

  @Description(
      "With --task=classify: the labels, comma-separated (a,b,c); each row gets exactly one, asked"
          + " of the models as a JSON-schema enum and checked. A line per row: id, label. (Not"
          + " --labels, which names Dataflow's job labels)")
  String getClassLabels();

  void setClassLabels(String value);

  @Description(
      "With --task=score: a yes/no question about each row's text; a line per row: id, answer,"
          + " probability_yes (from the first token's log-probabilities where the model gives them,"
          + " else 1 or 0), from_logprobs, model, cost_usd")
  String getQuestion();

  void setQuestion(String value);

  @Description("With --task=embed: the vectors' length, where the model can shorten them")
  Integer getDimensions();

  void setDimensions(Integer value);

  @Description(
      "With --task=embed: the texts are queries or documents (Cohere and Gemini embed them apart)")
  String getInputType();

  void setInputType(String value);

  @Description(
      "How rows are sent: online (request by request at the limits), batch (through the providers'"
          + " batch APIs at half price: OpenAI, Anthropic and Gemini models; answers within their"
          + " window, up to a day; whatever a batch does not answer goes online) or auto (batch"
          + " when the job has at least --batchMinRows rows and --deadline, if given, is an hour or"
          + " more). A job killed while its batches run waits for them when run again")
  @Default.String("online")
  String getMode();

  void setMode(String value);

  @Description(
      "When the answers are wanted, counted from the start (6h, 30m, 90s): batches still running"
          + " --onlineMargin before it are cancelled and what they did not answer is sent online")
  String getDeadline();

  void setDeadline(String value);

  @Description(
      "With --deadline: how long before it unanswered rows go online (default: a quarter of the"
          + " deadline, at most 15m)")
  String getOnlineMargin();

  void setOnlineMargin(String value);

  @Description("With --mode=batch or auto: the most requests in one provider batch")
  @Default.Integer(10_000)
  Integer getBatchMaxRequests();

  void setBatchMaxRequests(Integer value);

  @Description("With --mode=auto: the fewest rows for which the batch APIs are used")
  @Default.Long(1_000)
  Long getBatchMinRows();

  void setBatchMinRows(Long value);

  @Description(
      "With --mcpServers or --builtinTools: the most model turns per row; a model still calling tools then fails the"
          + " row (error_kind max_turns, with the turn)")
  @Default.Integer(10)
  Integer getMaxTurns();

  void setMaxTurns(Integer value);

  @Description(
      "Use an already running fake provider (./run.sh fake-server) at this URL, e.g. http://127.0.0.1:8089:"
          + " every model is sent there, no keys needed")
  String getFakeProviderUrl();

  void setFakeProviderUrl(String value);

  @Description("Show the runner's own log lines (below ERROR they are hidden) and stack traces")
  @Default.Boolean(false)
  Boolean getVerbose();

  void setVerbose(Boolean value);

  @Description("Progress display: auto (a bar in a terminal, lines otherwise), bar, lines or none")
  @Default.String("auto")
  String getProgress();

  void setProgress(String value);

  @Description(
      "Build, check and translate the job for its runner, print a summary and stop: nothing is read by"
          + " workers, nothing is sent to a provider, no Redis server is contacted. With"
          + " --runner=DataflowRunner the Dataflow job is translated to its JSON locally and Google is"
          + " never contacted (./run.sh infer picks the jar with the Dataflow runner)")
  @Default.Boolean(false)
  Boolean getDryRun();

  void setDryRun(Boolean value);

  @Description(
      "API keys the workers read from Google Secret Manager, by variable:"
          + " OPENAI_API_KEY=gcp-secret://projects/P/secrets/S[/versions/V],ANTHROPIC_API_KEY=...;"
          + " only these references travel in the job, each worker reads the keys with its service account")
  String getApiKeySecrets();

  void setApiKeySecrets(String value);
}
