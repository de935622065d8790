#!/usr/bin/env bash
# beam-llm-io: build when needed, then run a job. See ./run.sh help.
set -euo pipefail
cd "$(dirname "$0")"

JAR=pipelines/target/beam-llm-io-pipelines.jar

usage() {
  cat <<'USAGE'
usage: ./run.sh [COMMAND] [ARGS...]

Commands:
  (none)                     the main job on the bundled test prompts: today the cost estimate of
                             testdata/prompts.jsonl on gpt-4.1-mini and claude-3.5-haiku
  estimate FILE --model M[,M2] [--max-new-tokens N] [--models-file F]
                             tokens and cost range per model for a JSONL prompts file, before
                             anything is sent; bad rows listed by line number
  test                       run the whole test suite (what CI runs)
  build                      build the jars (also done automatically when sources changed)
  help                       this text

Environment:
  MVN_ARGS                   extra arguments for Maven (e.g. -o to stay offline)
USAGE
}

# Rebuild when the jar is missing or any source, resource or pom is newer than it.
build_if_needed() {
  if [[ ! -f "$JAR" ]] || [[ -n "$(find pom.xml beam-llm-io pipelines -newer "$JAR" \
        \( -name '*.java' -o -name '*.json' -o -name '*.properties' -o -name 'pom.xml' \) \
        -not -path '*/target/*' -print -quit)" ]]; then
    echo "building beam-llm-io (mvn install -DskipTests)..." >&2
    mvn -q -B ${MVN_ARGS:-} -DskipTests install >&2
  fi
}

run_java() {
  build_if_needed
  exec java -Djava.awt.headless=true -cp "$JAR" "$@"
}

cmd="${1:-main}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  main)
    run_java dev.beamllm.pipelines.Estimate testdata/prompts.jsonl --model gpt-4.1-mini,claude-3.5-haiku "$@"
    ;;
  estimate)
    run_java dev.beamllm.pipelines.Estimate "$@"
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
