package dfsim.core.config;

/** Bad user input (config, CLI, files). Its message is one line naming what and what is allowed. */
public final class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    // One line whatever the parts it is built from (a rendered value, a parser's message) hold.
    super(message.replaceAll("\\s*\\R\\s*", " "), null, false, false);
  }
}
