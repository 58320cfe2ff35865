package dfsim.core.config;

/** Bad user input (config, CLI, files). Its message is one line naming what and what is allowed. */
public final class BadInputException extends RuntimeException {
  public BadInputException(String message) {
    super(message, null, false, false);
  }
}
