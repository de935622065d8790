#!/usr/bin/env bash
# beam-llm-io: build when needed, then run a job. See ./run.sh help.
set -euo pipefail
cd "$(dirname "$0")"

JAR=pipelines/target/beam-llm-io-pipelines.jar

usage() {
  cat <<'USAGE'
usage: ./run.sh [COMMAND] [ARGS...]

Commands:
  (none)                     the main job on the bundled prompts: testdata/prompts.jsonl through
                             the embedded fake provider into out/, with progress and a summary
  infer --input F [--models M1,M2] [--cache out/cache.db] [--runner=FlinkRunner --flinkMaster=[local]] ...
                             the main job on your prompts against real providers (keys from the
                             environment or .env), or add --fakeProvider=true; infer --help lists
                             every option
  infer --runner=DataflowRunner --dryRun=true --project P --region R --tempLocation gs://B/tmp ...
                             the job translated to the Dataflow job it would submit, offline (nothing
                             is sent to Google); the Dataflow runner's jars are added to the classpath
  estimate FILE --model M[,M2] [--max-new-tokens N] [--models-file F]
                             tokens and cost range per model for a JSONL prompts file, before
                             anything is sent; bad rows listed by line number
  embed --input F --model M [--dimensions N] [--inputType query|document] [--output F] ...
                             the main job embedding each row's text (JSONL lines with the vector)
  extract --schema F --input F --models M[,M2] [--output F] ...
                             the main job answering each row as JSON that satisfies the schema
                             (checked, one repair turn; JSONL lines: id and the validated object)
  fake-server [--port N] [--rpm N] [--tpm N] [--latency L] [--faults F] ...
                             the embedded fake provider on 127.0.0.1 until Ctrl-C
                             (./run.sh fake-server --help lists every option)
  flink-cluster start|stop|status [--task-managers N] [--slots N] [--dir DIR]
                             a Flink session cluster on 127.0.0.1 from our jar: a JobManager
                             and 2 TaskManagers as JVMs of their own (state, logs: out/flink-cluster/);
                             start prints the --flinkMaster=localhost:PORT that infer submits with
  bench fake-server          wrk against the fake provider (256 connections, no limits,
                             no latency); medians go to BENCHMARKS.md
  bench client [--runs N] [--only S1,S2]
                             the client against the fake provider: saturation, token-bound,
                             limits set wrong, overhead (about 7 minutes a run; default 3 runs);
                             --only token-bound-chars4,token-bound-2000 for issue 12's scenario
  bench llmio [--runs N]     LlmIO on the DirectRunner: saturation, requests/s against the bare
                             client's, and the saturation scenario through a synchronous DoFn
                             (the Beam baseline) (about 6 minutes a run)
  bench scale [--runs N]     the main job on 100k and 1M generated rows at -Xmx1g: wall time,
                             rows/s, peak RSS (about 6 minutes a run; needs GNU time)
  bench agent [--runs N] [--rows N]
                             agent rows (a tool call in each of 3 turns, then an answer) through
                             LlmIO.agent() beside plain rows through LlmIO.complete(): rows/s
                             and the ratio (about a minute for 3 runs of 10,000 rows)
  bench prompt-cache [--rows N]
                             rows sharing a ~3,000-token system prompt on Claude (fake provider),
                             without prompt caching and with it: cost, cache reads and writes
  bench batch-api [--rows N] [--rounds N] [--rpm N] [--latency 200ms] [--completion 20s]
                             the main job online and through the batch API (fake provider):
                             wall time, HTTP calls, batches, cost (about 4 minutes for 3 rounds)
  bench embed [--rows N] [--runs N] [--latency 100ms]
                             ./run.sh embed on 100,000 texts (fake provider): wall time, texts/s,
                             requests sent, texts a request (about 2 minutes for 3 runs)
  bench extract [--rows N] [--runs N] [--latency 100ms]
                             ./run.sh extract on 10,000 invoice documents beside the plain job
                             (fake provider): rows/s, requests sent, repair rate
  bench cluster [--runs N] [--rows N]
                             the main job on the Flink session cluster at parallelism 4 against
                             one 6,000/min quota: shared through Redis, full limit per worker,
                             static split; steady rate and 429s (about 8 minutes a run)
  test                       run the whole test suite (what CI runs)
  build                      build the jars (also done automatically when sources changed)
  help                       this text

Environment:
  JAVA_OPTS                  extra JVM options for the jobs (e.g. JAVA_OPTS=-Xmx1g)
  MVN_ARGS                   extra arguments for Maven (e.g. -o to stay offline)
USAGE
}

# Rebuild when the jar is missing or any main source, resource or pom is newer than it.
build_if_needed() {
  if [[ ! -f "$JAR" ]] || [[ -n "$(find pom.xml beam-llm-io/pom.xml beam-llm-io-testing/pom.xml pipelines/pom.xml \
        beam-llm-io/src/main beam-llm-io-testing/src/main pipelines/src/main -newer "$JAR" -type f -print -quit)" ]]; then
    echo "building beam-llm-io (mvn install -DskipTests)..." >&2
    mvn -q -B ${MVN_ARGS:-} -DskipTests install >&2
  fi
}

# JAVA_OPTS reaches the JVM (e.g. JAVA_OPTS=-Xmx1g); out of memory ends the process at once with
# one line rather than leaving a half-dead JVM behind. The --add-opens are those Flink's own scripts
# give Java 17, so the embedded Flink runner can serialize a failed task's error and report it.
JVM_FLAGS=(-Djava.awt.headless=true -XX:+ExitOnOutOfMemoryError
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED)

# The Dataflow runner is not in the shaded jar (README, Running on Dataflow): a job for it runs from
# the shaded jar followed by the runner's own jars, which the build lists in this file.
DATAFLOW_CLASSPATH=pipelines/target/dataflow-classpath.txt

wants_dataflow() {
  local a
  for a in "$@"; do
    case "$a" in
      --runner=DataflowRunner|--runner=*.DataflowRunner|DataflowRunner) return 0 ;;
    esac
  done
  return 1
}

run_java() {
  build_if_needed
  # shellcheck disable=SC2086
  exec java "${JVM_FLAGS[@]}" ${JAVA_OPTS:-} -cp "$JAR" "$@"
}

# The main job on 100k and 1M generated rows (fake provider, no latency, no limits) at -Xmx1g:
# wall time, rows/s and peak RSS of each, side by side.
bench_scale() {
  command -v /usr/bin/time >/dev/null || { echo "bench: GNU time is needed (apt-get install -y time)" >&2; exit 1; }
  build_if_needed
  local dir=target/bench-scale runs=1 heap="-Xmx1g" n i
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --runs) runs="$2"; shift 2 ;;
      --runs=*) runs="${1#--runs=}"; shift ;;
      *) echo "bench scale: unknown option $1" >&2; exit 2 ;;
    esac
  done
  mkdir -p "$dir"
  local rows=() walls=() rates=() rsss=()
  for n in 100000 1000000; do
    [[ -f "$dir/prompts-$n.jsonl" ]] || awk -v n="$n" 'BEGIN { for (i = 1; i <= n; i++)
      printf "{\"id\":\"r%d\",\"prompt\":\"Question %d: what is %d plus %d?\"}\n", i, i, i, i * 7 }' > "$dir/prompts-$n.jsonl"
    local w=() r=()
    for i in $(seq 1 "$runs"); do
      rm -rf "$dir/out-$n"
      # shellcheck disable=SC2086
      /usr/bin/time -f "%e %M" -o "$dir/time-$n" java "${JVM_FLAGS[@]}" $heap ${JAVA_OPTS:-} -cp "$JAR" \
        dev.beamllm.pipelines.infer.BatchInference --input="$dir/prompts-$n.jsonl" --fakeProvider=true --progress=lines \
        --output="$dir/out-$n/answers.jsonl" --failures="$dir/out-$n/failures.jsonl" > "$dir/run-$n.log" 2>&1 \
        || { tail -5 "$dir/run-$n.log" >&2; echo "bench scale: the $n-row run failed" >&2; exit 1; }
      local answered
      answered="$(wc -l < "$dir/out-$n/answers.jsonl")"
      [[ "$answered" -eq "$n" ]] || { echo "bench scale: $answered answers for $n rows" >&2; exit 1; }
      w+=("$(awk '{print $1}' "$dir/time-$n")"); r+=("$(awk '{print $2}' "$dir/time-$n")")
      echo "$n rows, run $i: ${w[-1]} s, peak RSS $((r[-1] / 1024)) MiB" >&2
    done
    rows+=("$n")
    walls+=("$(printf '%s\n' "${w[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')")
    rsss+=("$(printf '%s\n' "${r[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')")
    rates+=("$(awk -v n="$n" -v s="${walls[-1]}" 'BEGIN { printf "%.0f", n / s }')")
  done
  local rss_ratio time_ratio
  rss_ratio="$(awk -v a="${rsss[0]}" -v b="${rsss[1]}" 'BEGIN { printf "%.2f", b / a }')"
  time_ratio="$(awk -v a="${walls[0]}" -v b="${walls[1]}" -v n="${rows[0]}" -v m="${rows[1]}" 'BEGIN { printf "%.2f", (b / m) / (a / n) }')"
  write_bench_section scale <<EOS
## The main job at scale

\`./run.sh infer\` on generated unique rows (\`{"id":"rN","prompt":"Question N: ..."}\`), embedded fake provider (no latency,
no limits), the default local runner (embedded Flink, parallelism = cores), checkpoint and dedupe on (their defaults), \`$heap\`.
Medians of $runs run(s) per size, both sizes in one session.

Command: \`./run.sh bench scale --runs $runs\`

| rows | wall time (s) | rows/s | peak RSS (MiB) |
|---|---|---|---|
| ${rows[0]} | ${walls[0]} | ${rates[0]} | $((rsss[0] / 1024)) |
| ${rows[1]} | ${walls[1]} | ${rates[1]} | $((rsss[1] / 1024)) |

Peak RSS 1M / 100k: **$rss_ratio** (target ≤ 1.3). Time per row 1M / 100k: **$time_ratio** (target ≤ 1.3).

Measured $(date -u +%Y-%m-%d) on $(nproc) cores.
EOS
}

# Replaces the section between <!-- bench:NAME --> markers in BENCHMARKS.md (or appends it).
write_bench_section() {
  local name="$1" file="BENCHMARKS.md" section
  section="$(cat)"
  [[ -f "$file" ]] || printf '# Benchmarks\n\nMeasured on this project'"'"'s machines (2 cores, noisy): medians of repeated runs in one session.\n' > "$file"
  if grep -q "<!-- bench:$name -->" "$file"; then
    awk -v name="$name" -v body="$section" '
      $0 == "<!-- bench:" name " -->" { print; print body; skip = 1; next }
      $0 == "<!-- /bench:" name " -->" { skip = 0 }
      !skip { print }' "$file" > "$file.tmp" && mv "$file.tmp" "$file"
  else
    printf '\n<!-- bench:%s -->\n%s\n<!-- /bench:%s -->\n' "$name" "$section" "$name" >> "$file"
  fi
}

bench_fake_server() {
  command -v wrk >/dev/null || { echo "bench: wrk is needed (apt-get install -y wrk)" >&2; exit 1; }
  build_if_needed
  local port=18089 runs=3 duration=10s conns=256 threads=2 pid out rps=() line
  java -cp "$JAR" dev.beamllm.pipelines.FakeServerCommand --port "$port" --no-log > /tmp/beamllm-fake-bench.log 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null' EXIT
  for _ in $(seq 1 50); do grep -q listening /tmp/beamllm-fake-bench.log && break; sleep 0.2; done
  local url="http://127.0.0.1:$port"
  local cmd="wrk -t$threads -c$conns -d$duration --latency -s testdata/bench/chat-post.lua $url"
  echo "warm-up: wrk -t$threads -c$conns -d5s ..." >&2
  wrk -t$threads -c$conns -d5s -s testdata/bench/chat-post.lua "$url" > /dev/null
  for i in $(seq 1 $runs); do
    out="$($cmd)"
    if grep -q "Non-2xx" <<<"$out"; then echo "$out" >&2; echo "bench: non-200 answers" >&2; exit 1; fi
    line="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
    rps+=("$line")
    echo "run $i: $line requests/s, p50 $(awk '$1=="50%" {print $2}' <<<"$out"), p99 $(awk '$1=="99%" {print $2}' <<<"$out")" >&2
  done
  kill $pid; wait $pid 2>/dev/null || true; trap - EXIT
  local median
  median="$(printf '%s\n' "${rps[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
  echo "median: $median requests/s" >&2
  write_bench_section fake-server <<EOS
## Fake provider throughput

No limits, no latency, request log off; OpenAI chat completions POST (\`testdata/bench/chat-post.lua\`), $conns keep-alive connections, wrk and the server on the same 2-core machine.

Command: \`./run.sh bench fake-server\` (runs \`$cmd\` $runs times after a 5 s warm-up).

| run | requests/s |
|---|---|
$(for i in "${!rps[@]}"; do echo "| $((i+1)) | ${rps[$i]} |"; done)
| **median** | **$median** |

Measured $(date -u +%Y-%m-%d) on $(nproc) cores.
EOS
}

cmd="${1:-main}"
if [[ "$cmd" == --* ]]; then
  cmd=main               # ./run.sh --cache=out/cache.db: options for the main job
elif [[ $# -gt 0 ]]; then
  shift
fi
case "$cmd" in
  main)
    run_java dev.beamllm.pipelines.infer.BatchInference --input=testdata/prompts.jsonl --fakeProvider=true "$@"
    ;;
  infer)
    if wants_dataflow "$@"; then
      build_if_needed
      [[ -f "$DATAFLOW_CLASSPATH" ]] || { echo "run.sh: $DATAFLOW_CLASSPATH is missing: ./run.sh build" >&2; exit 2; }
      # shellcheck disable=SC2086
      exec java "${JVM_FLAGS[@]}" ${JAVA_OPTS:-} -cp "$JAR:$(cat "$DATAFLOW_CLASSPATH")" \
        dev.beamllm.pipelines.infer.BatchInference "$@"
    fi
    run_java dev.beamllm.pipelines.infer.BatchInference "$@"
    ;;
  estimate)
    run_java dev.beamllm.pipelines.Estimate "$@"
    ;;
  embed|extract)
    # The main job with --task=embed or --task=extract (--schema FILE: the JSON schema of each
    # row's answer); --model M is --models=M.
    args=()
    while [[ $# -gt 0 ]]; do
      case "$1" in
        --model=*) args+=("--models=${1#--model=}") ;;
        --model) shift; args+=("--models=${1:-}") ;;
        *) args+=("$1") ;;
      esac
      shift
    done
    run_java dev.beamllm.pipelines.infer.BatchInference --task="$cmd" "${args[@]}"
    ;;
  fake-server)
    run_java dev.beamllm.pipelines.FakeServerCommand "$@"
    ;;
  flink-cluster)
    # Stopping or looking at a running cluster must not wait for a rebuild (nor need one: its
    # members run their own copy of the jar).
    if [[ -f "$JAR" && ( "${1:-}" == stop || "${1:-}" == status ) ]]; then
      # shellcheck disable=SC2086
      exec java "${JVM_FLAGS[@]}" ${JAVA_OPTS:-} -cp "$JAR" dev.beamllm.pipelines.cluster.FlinkClusterCommand "$@"
    fi
    run_java dev.beamllm.pipelines.cluster.FlinkClusterCommand "$@"
    ;;
  bench)
    case "${1:-}" in
      fake-server) bench_fake_server ;;
      client)
        shift
        build_if_needed
        java -cp "$JAR" dev.beamllm.pipelines.bench.ClientBench --out target/bench-client.md "$@"
        write_bench_section client < target/bench-client.md
        ;;
      scale)
        shift
        bench_scale "$@"
        ;;
      llmio)
        shift
        build_if_needed
        java -cp "$JAR" dev.beamllm.pipelines.bench.LlmIOBench --out target/bench-llmio.md "$@"
        write_bench_section llmio < target/bench-llmio.md
        ;;
      agent)
        shift
        build_if_needed
        java -cp "$JAR" dev.beamllm.pipelines.bench.AgentBench --out target/bench-agent.md "$@"
        write_bench_section agent < target/bench-agent.md
        ;;
      prompt-cache)
        shift
        build_if_needed
        java -cp "$JAR" dev.beamllm.pipelines.bench.PromptCacheBench --out target/bench-prompt-cache.md "$@"
        write_bench_section prompt-cache < target/bench-prompt-cache.md
        ;;
      embed)
        shift
        build_if_needed
        java "${JVM_FLAGS[@]}" -cp "$JAR" dev.beamllm.pipelines.bench.EmbedBench --out target/bench-embed.md "$@"
        write_bench_section embed < target/bench-embed.md
        ;;
      extract)
        shift
        build_if_needed
        java "${JVM_FLAGS[@]}" -cp "$JAR" dev.beamllm.pipelines.bench.ExtractBench --out target/bench-extract.md "$@"
        write_bench_section extract < target/bench-extract.md
        ;;
      batch-api)
        shift
        build_if_needed
        java -cp "$JAR" dev.beamllm.pipelines.bench.BatchApiBench --out target/bench-batch-api.md "$@"
        write_bench_section batch-api < target/bench-batch-api.md
        ;;
      cluster)
        shift
        build_if_needed
        java "${JVM_FLAGS[@]}" -cp "$JAR" dev.beamllm.pipelines.bench.ClusterBench --out target/bench-cluster.md "$@"
        write_bench_section cluster < target/bench-cluster.md
        ;;
      *) echo "run.sh: bench needs one of: fake-server, client, llmio, agent, prompt-cache, batch-api, embed, extract, scale, cluster" >&2; exit 2 ;;
    esac
    ;;
  test)
    exec mvn -B ${MVN_ARGS:-} verify "$@"
    ;;
  build)
    mvn -q -B ${MVN_ARGS:-} -DskipTests install
    ;;
  help|-h|--help)
    usage
    ;;
  *)
    echo "run.sh: unknown command '$cmd'" >&2
    usage >&2
    exit 2
    ;;
esac
