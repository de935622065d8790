/**
 * Dataflow without a Google Cloud project: the main job's {@code --dryRun=true} with {@code
 * --runner=DataflowRunner} translates the job to the JSON Dataflow would receive, offline. The
 * Dataflow runner is a {@code provided} dependency of this module: it compiles and tests here, it
 * stays out of the default jar, and {@code ./run.sh infer --runner=DataflowRunner} adds its jars.
 */
package dev.beamllm.pipelines.dataflow;
