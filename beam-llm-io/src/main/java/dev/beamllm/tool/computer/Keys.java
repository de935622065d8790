package dev.beamllm.tool.computer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Key names as OpenAI ({@code CTRL}, {@code ENTER}, {@code ARROWDOWN}) and Gemini ({@code Control},
 * {@code Enter}) write them, made xdotool keysyms ({@code ctrl}, {@code Return}, {@code Down}); a
 * name not known here is kept, a single letter lower-cased (xdotool's {@code A} is shift+a).
 */
final class Keys {
  private static final Map<String, String> NAMES =
      Map.ofEntries(
          Map.entry("ctrl", "ctrl"),
          Map.entry("control", "ctrl"),
          Map.entry("alt", "alt"),
          Map.entry("option", "alt"),
          Map.entry("shift", "shift"),
          Map.entry("cmd", "super"),
          Map.entry("command", "super"),
          Map.entry("meta", "super"),
          Map.entry("super", "super"),
          Map.entry("win", "super"),
          Map.entry("windows", "super"),
          Map.entry("enter", "Return"),
          Map.entry("return", "Return"),
          Map.entry("esc", "Escape"),
          Map.entry("escape", "Escape"),
          Map.entry("tab", "Tab"),
          Map.entry("space", "space"),
          Map.entry("backspace", "BackSpace"),
          Map.entry("delete", "Delete"),
          Map.entry("del", "Delete"),
          Map.entry("insert", "Insert"),
          Map.entry("home", "Home"),
          Map.entry("end", "End"),
          Map.entry("pageup", "Page_Up"),
          Map.entry("page_up", "Page_Up"),
          Map.entry("pagedown", "Page_Down"),
          Map.entry("page_down", "Page_Down"),
          Map.entry("up", "Up"),
          Map.entry("arrowup", "Up"),
          Map.entry("down", "Down"),
          Map.entry("arrowdown", "Down"),
          Map.entry("left", "Left"),
          Map.entry("arrowleft", "Left"),
          Map.entry("right", "Right"),
          Map.entry("arrowright", "Right"),
          Map.entry("capslock", "Caps_Lock"),
          Map.entry("/", "slash"),
          Map.entry("\\", "backslash"),
          Map.entry("-", "minus"),
          Map.entry("=", "equal"),
          Map.entry("+", "plus"),
          Map.entry(",", "comma"),
          Map.entry(".", "period"),
          Map.entry(";", "semicolon"),
          Map.entry("'", "apostrophe"),
          Map.entry("`", "grave"),
          Map.entry("[", "bracketleft"),
          Map.entry("]", "bracketright"));

  private Keys() {}

  /** One key name as xdotool's keysym. */
  static String keysym(String name) {
    String trimmed = name.strip();
    if (trimmed.isEmpty()) {
      return " ".equals(name) ? "space" : trimmed;
    }
    String known = NAMES.get(trimmed.toLowerCase(Locale.ROOT));
    if (known != null) {
      return known;
    }
    if (trimmed.matches("(?i)f([1-9]|1[0-9]|2[0-4])")) {
      return trimmed.toUpperCase(Locale.ROOT);
    }
    if (trimmed.length() == 1 && Character.isLetter(trimmed.charAt(0))) {
      return trimmed.toLowerCase(Locale.ROOT);
    }
    return trimmed;
  }

  /** Key names as keysyms, blanks dropped. */
  static List<String> keysyms(List<String> names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      String k = keysym(n);
      if (!k.isEmpty()) {
        out.add(k);
      }
    }
    return out;
  }

  /**
   * An xdotool combination ({@code ctrl+shift+t}, as Anthropic writes it) split into its keys, kept
   * as written; {@code +} alone (or at the end, {@code ctrl++}) is the plus key.
   */
  static List<String> split(String combo) {
    List<String> keys = new ArrayList<>();
    String rest = combo.strip();
    while (!rest.isEmpty()) {
      int plus = rest.indexOf('+', 1);
      if (plus < 0) {
        keys.add(rest);
        break;
      }
      keys.add(rest.substring(0, plus));
      rest = rest.substring(plus + 1);
    }
    return keys;
  }
}
