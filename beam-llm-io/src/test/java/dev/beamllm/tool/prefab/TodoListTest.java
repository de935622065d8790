package dev.beamllm.tool.prefab;

import static dev.beamllm.tool.prefab.PrefabCalls.assertError;
import static dev.beamllm.tool.prefab.PrefabCalls.assertResult;
import static dev.beamllm.tool.prefab.PrefabCalls.call;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.ToolCall;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.tool.Tool;
import dev.beamllm.tool.ToolSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.Test;

/**
 * The to-do list through {@link ToolSet#run}: ids, the whole list after each change, errors the
 * model reads, one list per loop, and a list carried by serialization refusing to be shared.
 */
public class TodoListTest {
  @Test
  public void theAgentAddsListsMarksDoneAndRemovesByIds() {
    TodoList todos = PrefabTools.todoList();
    ToolSet tools = ToolSet.of(todos.tools());
    assertEquals(
        List.of("todo_add", "todo_list", "todo_done", "todo_remove"),
        tools.definitions().stream().map(Tool::name).toList());
    assertResult("the to-do list is empty", call(tools, "todo_list", "{}"));
    assertResult(
        "1. [ ] Write notes.txt\n2. [ ] Read it back\n0 of 2 done",
        call(tools, "todo_add", "{\"items\":[\"Write notes.txt\",\" Read it back \"]}"));
    assertResult(
        "1. [x] Write notes.txt\n2. [ ] Read it back\n1 of 2 done",
        call(tools, "todo_done", "{\"id\":1}"));
    assertResult(
        "1. [x] Write notes.txt\n2. [ ] Read it back\n3. [ ] Report\n1 of 3 done",
        call(tools, "todo_add", "{\"items\":[\"Report\"]}"));
    assertResult(
        "1. [x] Write notes.txt\n3. [ ] Report\n1 of 2 done",
        call(tools, "todo_remove", "{\"id\":2}"));
    // Ids are never reused.
    assertResult(
        "1. [x] Write notes.txt\n3. [ ] Report\n4. [ ] Tidy up\n1 of 3 done",
        call(tools, "todo_add", "{\"items\":[\"Tidy up\"]}"));
    assertResult(
        "1. [x] Write notes.txt\n3. [ ] Report\n4. [ ] Tidy up\n1 of 3 done",
        call(tools, "todo_list", "{}"));
    assertEquals(
        List.of(
            new TodoItem(1, "Write notes.txt", true),
            new TodoItem(3, "Report", false),
            new TodoItem(4, "Tidy up", false)),
        todos.items());
  }

  @Test
  public void mistakesAreErrorsTheModelReadsAndChangeNothing() {
    TodoList todos = PrefabTools.todoList().withMaxItems(2);
    ToolSet tools = ToolSet.of(todos.tools());
    assertError(
        "no item has id 1: the to-do list is empty", call(tools, "todo_done", "{\"id\":1}"));
    call(tools, "todo_add", "{\"items\":[\"a\"]}");
    assertError("no item has id 7; the ids are 1", call(tools, "todo_remove", "{\"id\":7}"));
    assertError(
        "items is empty: give at least one item to add", call(tools, "todo_add", "{\"items\":[]}"));
    assertError(
        "an item's text is empty; nothing was added",
        call(tools, "todo_add", "{\"items\":[\"b\",\"  \"]}"));
    assertError(
        "an item's text has 501 characters, more than 500; nothing was added",
        call(tools, "todo_add", "{\"items\":[\"" + "x".repeat(501) + "\"]}"));
    assertError(
        "the list holds at most 2 items and has 1; remove some before adding 2 more; nothing was"
            + " added",
        call(tools, "todo_add", "{\"items\":[\"b\",\"c\"]}"));
    ToolResult wrongType = call(tools, "todo_done", "{\"id\":\"one\"}");
    assertTrue(wrongType.isError());
    assertTrue(
        wrongType.text(),
        wrongType
            .text()
            .startsWith("invalid arguments for 'todo_done': argument '$' does not fit"));
    assertEquals(List.of(new TodoItem(1, "a", false)), todos.items());
  }

  @Test
  public void twoListsAreTwoLoopsStates() {
    ToolSet first = ToolSet.of(PrefabTools.todoList().tools());
    ToolSet second = ToolSet.of(PrefabTools.todoList().tools());
    call(first, "todo_add", "{\"items\":[\"first loop's item\"]}");
    assertResult("the to-do list is empty", call(second, "todo_list", "{}"));
  }

  @Test
  public void parallelCallsOfOneTurnLoseNothing() {
    TodoList todos = PrefabTools.todoList();
    ToolSet tools = ToolSet.of(todos.tools()).withMaxParallel(8);
    List<ToolCall> calls = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      calls.add(ToolCall.of("c" + i, "todo_add", "{\"items\":[\"item " + i + "\"]}"));
    }
    List<ToolResult> results = tools.run(calls).join();
    assertEquals(40, results.stream().filter(r -> !r.isError()).count());
    assertEquals(40, todos.items().size());
    assertEquals(40, todos.items().stream().map(TodoItem::id).distinct().count());
  }

  @Test
  public void aSerializedListRefusesToBeSharedByEveryRow() {
    TodoList todos = PrefabTools.todoList();
    ToolSet carried = PrefabCalls.roundTrip(ToolSet.of(todos.tools()));
    String refusal =
        "this to-do list cannot be used: it was serialized (carried into a Beam transform, say),"
            + " where every agent loop would share it and mix their items; build a new TodoList"
            + " for each agent loop instead";
    assertError(refusal, call(carried, "todo_add", "{\"items\":[\"a\"]}"));
    assertError(refusal, call(carried, "todo_list", "{}"));
    assertError(refusal, call(carried, "todo_done", "{\"id\":1}"));
    assertError(refusal, call(carried, "todo_remove", "{\"id\":1}"));
    // The original, never serialized, works.
    assertResult(
        "1. [ ] a\n0 of 1 done",
        call(ToolSet.of(todos.tools()), "todo_add", "{\"items\":[\"a\"]}"));
  }

  @Test
  public void settingsAreCheckedAtOnceAndGiveANewEmptyList() {
    TodoList todos = PrefabTools.todoList();
    assertEquals(
        "maxItems: must be between 1 and 1000, got 0",
        assertThrows(IllegalArgumentException.class, () -> todos.withMaxItems(0)).getMessage());
    assertEquals(
        "name: must be 1-40 letters, digits, _ or -, got ''",
        assertThrows(IllegalArgumentException.class, () -> todos.withName("")).getMessage());
    ToolSet tools = ToolSet.of(todos.tools());
    call(tools, "todo_add", "{\"items\":[\"a\"]}");
    TodoList plan = todos.withName("plan");
    assertEquals(List.of(), plan.items());
    assertEquals(
        List.of("plan_add", "plan_list", "plan_done", "plan_remove"),
        plan.tools().stream().map(t -> t.definition().name()).toList());
  }
}
