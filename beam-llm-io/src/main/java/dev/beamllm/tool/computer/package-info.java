/**
 * Computer use: the provider-neutral actions a model asks of a computer ({@link
 * dev.beamllm.tool.computer.ComputerAction}), read from Anthropic's, OpenAI's and Gemini's shapes
 * ({@link dev.beamllm.tool.computer.ComputerActions}); the computer that runs them ({@link
 * dev.beamllm.tool.computer.ComputerExecutor}, with {@link dev.beamllm.tool.computer.X11Computer}
 * for an X display); and the tool an agent loop runs ({@link
 * dev.beamllm.tool.computer.ComputerTool}). What the model is told of the computer is {@link
 * dev.beamllm.tool.ComputerUse}.
 */
package dev.beamllm.tool.computer;
