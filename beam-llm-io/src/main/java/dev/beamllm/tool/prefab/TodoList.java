package dev.beamllm.tool.prefab;

import dev.beamllm.model.Description;
import dev.beamllm.tool.ExecutableTool;
import dev.beamllm.tool.ToolOutput;
import dev.beamllm.tool.Tools;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A to-do list an agent keeps while it works: it adds items ({@code todo_add}), reads the list
 * ({@code todo_list}), marks items done ({@code todo_done}) and removes them ({@code todo_remove}),
 * each item by the id the list gave it. Every call answers with the whole list, so the model sees
 * its plan after each change. The caller reads what the agent left with {@link #items()}.
 *
 * <h2>One list per agent loop</h2>
 *
 * A list is mutable state, and its tools are bound to it: <b>make a new list for every agent loop
 * </b>, so that two loops never share one.
 *
 * <pre>{@code
 * TodoList todos = PrefabTools.todoList();
 * AgentResult r = client.runAgentLoop(task, ToolSet.of(todos.tools()), 10).join();
 * todos.items();   // the agent's list at the end
 * }</pre>
 *
 * <p>We chose a fresh list (and tool set) per loop over state keyed by a conversation id: a tool
 * call carries only its arguments, not the conversation it belongs to, so keyed state would need a
 * new argument on every {@link ExecutableTool#call}, or a key the model must repeat faithfully; and
 * a list that lives and dies with its loop needs no eviction. In a Beam transform, where one JVM
 * runs many rows' loops at once, the tool set must therefore be built per row on the worker, not
 * once in the pipeline: a list serialized into the transform would be shared by every row of the
 * worker and mix their plans. Such a list refuses every call, with an error result that says so,
 * rather than mixing rows silently. ({@code LlmIO.agent()} takes one tool set for all rows today;
 * building one per row needs a factory there. Until then a to-do list serves the client's {@code
 * runAgentLoop}, one loop at a time or many at once, each with its own list.)
 *
 * <p>Safe for the parallel calls of one turn. {@code withX} methods give a new, empty list with
 * that setting: configure a list before handing out its tools.
 */
public final class TodoList implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The most items a list holds, unless set. */
  public static final int DEFAULT_MAX_ITEMS = 100;

  /** The most characters of one item's text. */
  public static final int MAX_TEXT_CHARS = 500;

  private final String name;
  private final int maxItems;
  private final List<TodoItem> items = new ArrayList<>();
  private int nextId = 1;

  /** Set when the list was deserialized, that is carried somewhere to be shared: see above. */
  private transient boolean carried;

  private TodoList(String name, int maxItems) {
    this.name = name;
    this.maxItems = maxItems;
  }

  /** See {@link PrefabTools#todoList}. */
  static TodoList create() {
    return new TodoList("todo", DEFAULT_MAX_ITEMS);
  }

  /**
   * A new, empty list whose tools are named {@code <prefix>_add}, ...; {@code todo} unless set.
   *
   * @param prefix 1-40 letters, digits, {@code _} or {@code -}
   */
  public TodoList withName(String prefix) {
    return new TodoList(PrefabNames.checkPrefix(prefix), maxItems);
  }

  /** A new, empty list holding at most {@code max} items (1 to 1,000). */
  public TodoList withMaxItems(int max) {
    if (max < 1 || max > 1000) {
      throw new IllegalArgumentException("maxItems: must be between 1 and 1000, got " + max);
    }
    return new TodoList(name, max);
  }

  /** The prefix of the tools' names. */
  public String name() {
    return name;
  }

  /** The most items the list holds. */
  public int maxItems() {
    return maxItems;
  }

  /** The items now, in the order added. */
  public synchronized List<TodoItem> items() {
    return List.copyOf(items);
  }

  /** Arguments of {@code add}. */
  record AddArgs(
      @Description("The items to add, in order; each a short sentence of what is to be done.")
          List<String> items) {}

  /** Arguments of {@code done} and {@code remove}. */
  record IdArgs(@Description("The item's id, as the list shows it.") int id) {}

  /** Arguments of {@code list}: none. */
  record NoArgs() {}

  /**
   * The tools, bound to this list: {@code <name>_add}, {@code _list}, {@code _done}, {@code
   * _remove}.
   */
  public List<ExecutableTool> tools() {
    return List.of(
        Tools.function(
            name + "_add",
            "Add items to your to-do list, to plan work of several steps and keep track of it."
                + " Each item gets an id. Returns the whole list.",
            AddArgs.class,
            this::add),
        Tools.function(
            name + "_list",
            "Show your to-do list: each item's id, whether it is done ([x]) or not ([ ]), and its"
                + " text.",
            NoArgs.class,
            a -> list()),
        Tools.function(
            name + "_done",
            "Mark an item of your to-do list done, by its id. Returns the whole list.",
            IdArgs.class,
            this::done),
        Tools.function(
            name + "_remove",
            "Remove an item from your to-do list, by its id. Returns the whole list.",
            IdArgs.class,
            this::remove));
  }

  synchronized ToolOutput add(AddArgs a) {
    if (carried) {
      return carriedError();
    }
    if (a.items().isEmpty()) {
      return ToolOutput.error("items is empty: give at least one item to add");
    }
    for (String text : a.items()) {
      if (text == null || text.isBlank()) {
        return ToolOutput.error("an item's text is empty; nothing was added");
      }
      if (text.length() > MAX_TEXT_CHARS) {
        return ToolOutput.error(
            "an item's text has "
                + text.length()
                + " characters, more than "
                + MAX_TEXT_CHARS
                + "; nothing was added");
      }
    }
    if (items.size() + a.items().size() > maxItems) {
      return ToolOutput.error(
          "the list holds at most "
              + maxItems
              + " items and has "
              + items.size()
              + "; remove some before adding "
              + a.items().size()
              + " more; nothing was added");
    }
    for (String text : a.items()) {
      items.add(new TodoItem(nextId++, text.strip(), false));
    }
    return ToolOutput.text(render());
  }

  synchronized ToolOutput list() {
    return carried ? carriedError() : ToolOutput.text(render());
  }

  synchronized ToolOutput done(IdArgs a) {
    if (carried) {
      return carriedError();
    }
    int i = indexOf(a.id());
    if (i < 0) {
      return unknown(a.id());
    }
    TodoItem item = items.get(i);
    items.set(i, new TodoItem(item.id(), item.text(), true));
    return ToolOutput.text(render());
  }

  synchronized ToolOutput remove(IdArgs a) {
    if (carried) {
      return carriedError();
    }
    int i = indexOf(a.id());
    if (i < 0) {
      return unknown(a.id());
    }
    items.remove(i);
    return ToolOutput.text(render());
  }

  private int indexOf(int id) {
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).id() == id) {
        return i;
      }
    }
    return -1;
  }

  private ToolOutput unknown(int id) {
    if (items.isEmpty()) {
      return ToolOutput.error("no item has id " + id + ": the to-do list is empty");
    }
    List<String> ids = new ArrayList<>();
    for (TodoItem item : items) {
      ids.add(String.valueOf(item.id()));
    }
    return ToolOutput.error("no item has id " + id + "; the ids are " + String.join(", ", ids));
  }

  private String render() {
    if (items.isEmpty()) {
      return "the to-do list is empty";
    }
    StringBuilder out = new StringBuilder();
    int done = 0;
    for (TodoItem item : items) {
      out.append(item.id()).append(item.done() ? ". [x] " : ". [ ] ").append(item.text());
      out.append('\n');
      done += item.done() ? 1 : 0;
    }
    return out.append(done).append(" of ").append(items.size()).append(" done").toString();
  }

  private static ToolOutput carriedError() {
    return ToolOutput.error(
        "this to-do list cannot be used: it was serialized (carried into a Beam transform, say),"
            + " where every agent loop would share it and mix their items; build a new"
            + " TodoList for each agent loop instead");
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    carried = true;
  }

  @Override
  public synchronized String toString() {
    return "TodoList{name=" + name + ", items=" + items.size() + "/" + maxItems + "}";
  }
}
