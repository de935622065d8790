package dev.beamllm.client;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import dev.beamllm.prompt.Conversation;
import dev.beamllm.prompt.ToolResult;
import dev.beamllm.testing.FakeProviderServer;
import dev.beamllm.testing.ScriptedTurn;
import dev.beamllm.tool.ToolSet;
import dev.beamllm.tool.prefab.PrefabTools;
import dev.beamllm.tool.prefab.TodoItem;
import dev.beamllm.tool.prefab.TodoList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The ready tools in real agent loops: the fake provider plays a scripted model over HTTP, the
 * client runs the tools it calls and sends their results back, and the final conversation holds
 * exactly what each tool answered (issue 13, point 7).
 */
public class PrefabToolsAgentTest {
  @Rule public TemporaryFolder temp = new TemporaryFolder();

  @Test
  public void theModelWritesEditsAndReadsBackAFileAndCannotLeaveItsDirectory() throws Exception {
    Path work = temp.newFolder("work").toPath();
    Files.writeString(temp.getRoot().toPath().resolve("secret.txt"), "not for the model");
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "claude-4.5-sonnet").build()) {
      fake.script(
          "keep notes",
          List.of(
              ScriptedTurn.toolCalls(
                  ScriptedTurn.call(
                      "fs_write", "{\"path\":\"notes/plan.txt\",\"content\":\"step one\\n\"}")),
              ScriptedTurn.toolCalls(
                  ScriptedTurn.call(
                      "fs_edit",
                      "{\"path\":\"notes/plan.txt\",\"old_str\":\"one\",\"new_str\":\"two\"}")),
              ScriptedTurn.toolCalls(
                  ScriptedTurn.call("fs_read", "{\"path\":\"notes/plan.txt\"}"),
                  ScriptedTurn.call("fs_read", "{\"path\":\"../secret.txt\"}")),
              ScriptedTurn.text("The plan says step two.")));
      AgentResult r =
          client
              .runAgentLoop(
                  Conversation.user("Please keep notes in a file."),
                  ToolSet.of(PrefabTools.filesystem(work.toString()).tools()),
                  6)
              .join();
      assertFalse(String.valueOf(r.error()), r.isError());
      assertEquals("The plan says step two.", r.completion());
      assertEquals(4, r.turns());
      assertEquals(
          List.of(
              List.of("created 'notes/plan.txt' (9 bytes)"),
              List.of("edited 'notes/plan.txt' (9 bytes)"),
              List.of(
                  "step two\n",
                  "path '../secret.txt' is outside the tool's directory: paths are relative to"
                      + " it and may not climb above it with '..'")),
          resultTexts(r));
      List<ToolResult> last = r.conversation().messages().get(6).partsOf(ToolResult.class);
      assertFalse(last.get(0).isError());
      assertTrue(last.get(1).isError());
      assertEquals("step two\n", Files.readString(work.resolve("notes/plan.txt")));
    }
  }

  @Test
  public void theModelKeepsAToDoListAndEachLoopHasItsOwn() {
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gpt-4.1-mini").build()) {
      fake.script(
          "plan the chores",
          List.of(
              ScriptedTurn.toolCalls(
                  ScriptedTurn.call("todo_add", "{\"items\":[\"Buy milk\",\"Water plants\"]}")),
              ScriptedTurn.toolCalls(ScriptedTurn.call("todo_done", "{\"id\":2}")),
              ScriptedTurn.toolCalls(
                  ScriptedTurn.call("todo_done", "{\"id\":9}"),
                  ScriptedTurn.call("todo_list", "{}")),
              ScriptedTurn.text("Milk is left.")));
      // Two loops at once, as a Beam worker runs many rows: each has a list of its own.
      TodoList first = PrefabTools.todoList();
      TodoList second = PrefabTools.todoList();
      CompletableFuture<AgentResult> a =
          client.runAgentLoop(
              Conversation.user("Please plan the chores."), ToolSet.of(first.tools()), 6);
      CompletableFuture<AgentResult> b =
          client.runAgentLoop(
              Conversation.user("Also plan the chores, please."), ToolSet.of(second.tools()), 6);
      for (AgentResult r : List.of(a.join(), b.join())) {
        assertFalse(String.valueOf(r.error()), r.isError());
        assertEquals("Milk is left.", r.completion());
        assertEquals(
            List.of(
                List.of("1. [ ] Buy milk\n2. [ ] Water plants\n0 of 2 done"),
                List.of("1. [ ] Buy milk\n2. [x] Water plants\n1 of 2 done"),
                List.of(
                    "no item has id 9; the ids are 1, 2",
                    "1. [ ] Buy milk\n2. [x] Water plants\n1 of 2 done")),
            resultTexts(r));
      }
      List<TodoItem> expected =
          List.of(new TodoItem(1, "Buy milk", false), new TodoItem(2, "Water plants", true));
      assertEquals(expected, first.items());
      assertEquals(expected, second.items());
    }
  }

  @Test
  public void theModelReadsTheSchemaQueriesATableAndCannotWrite() throws Exception {
    String url = "jdbc:sqlite:" + temp.getRoot().toPath().resolve("sales.db");
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.executeUpdate("create table sales (name text not null, qty integer)");
      s.executeUpdate("insert into sales values ('tea', 3), ('coffee', 5), ('tea', 4)");
    }
    try (FakeProviderServer fake = FakeProviderServer.builder().start();
        LlmClient client = ClientTestSupport.client(fake, "gemini-2.5-flash").build()) {
      fake.script(
          "report the sales",
          List.of(
              ScriptedTurn.toolCalls(ScriptedTurn.call("sql_schema", "{}")),
              ScriptedTurn.toolCalls(
                  ScriptedTurn.call(
                      "sql_query",
                      "{\"sql\":\"select name, sum(qty) as total from sales group by name"
                          + " order by total desc\"}"),
                  ScriptedTurn.call("sql_query", "{\"sql\":\"delete from sales\"}")),
              ScriptedTurn.text("Tea sold 7, coffee 5.")));
      AgentResult r =
          client
              .runAgentLoop(
                  Conversation.user("Please report the sales."),
                  ToolSet.of(PrefabTools.sql(url).tools()),
                  5)
              .join();
      assertFalse(String.valueOf(r.error()), r.isError());
      assertEquals("Tea sold 7, coffee 5.", r.completion());
      assertEquals(
          List.of(
              List.of("table sales: name TEXT NOT NULL, qty INTEGER"),
              List.of(
                  "name | total\ntea | 7\ncoffee | 5\n(2 rows)",
                  "the query was not run: only a query may be run (SELECT, WITH ... SELECT or"
                      + " EXPLAIN), not a statement starting with 'delete'")),
          resultTexts(r));
    }
    try (Connection c = DriverManager.getConnection(url);
        ResultSet rs = c.createStatement().executeQuery("select count(*) from sales")) {
      rs.next();
      assertEquals(3, rs.getInt(1));
    }
  }

  /** The texts of each round of tool results in the final conversation, in order. */
  private static List<List<String>> resultTexts(AgentResult r) {
    return r.conversation().messages().stream()
        .map(m -> m.partsOf(ToolResult.class))
        .filter(results -> !results.isEmpty())
        .map(results -> results.stream().map(ToolResult::text).toList())
        .toList();
  }
}
