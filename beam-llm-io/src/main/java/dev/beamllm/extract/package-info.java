/**
 * Structured extraction: the pieces {@code LlmIO.extract} is built from, each usable without Beam.
 *
 * <ul>
 *   <li>{@link dev.beamllm.extract.JsonSchemas}: the JSON schema of a record or bean class, in the
 *       form OpenAI's strict mode needs (every field required, no other properties);
 *   <li>{@link dev.beamllm.extract.SchemaValidator}: checks an answer against a schema and says
 *       what is wrong with it ({@link dev.beamllm.extract.CheckedAnswer});
 *   <li>{@link dev.beamllm.extract.RepairTurn}: the one follow-up turn that quotes the errors and
 *       asks for corrected JSON;
 *   <li>{@link dev.beamllm.extract.JsonBinding}: a valid answer as an instance of the class.
 * </ul>
 */
package dev.beamllm.extract;
