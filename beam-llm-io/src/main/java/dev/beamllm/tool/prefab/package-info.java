/**
 * Ready tools for agents, in the manner of lm-deluge's prefab tools: a filesystem confined to one
 * directory ({@link dev.beamllm.tool.prefab.PrefabTools#filesystem}), a to-do list the agent keeps
 * ({@link dev.beamllm.tool.prefab.PrefabTools#todoList}) and read-only SQL over a JDBC URL ({@link
 * dev.beamllm.tool.prefab.PrefabTools#sql}). Each is an immutable configuration whose {@code withX}
 * methods check their argument at once, and whose {@code tools()} gives the {@link
 * dev.beamllm.tool.ExecutableTool}s to put in a {@link dev.beamllm.tool.ToolSet}. Every failure the
 * model can cause (a path outside the directory, a write to a read-only tool, an SQL statement that
 * is not a query) is an error result it reads, never an exception. Depends only on {@code tool},
 * {@code prompt} and {@code model}.
 */
package dev.beamllm.tool.prefab;
