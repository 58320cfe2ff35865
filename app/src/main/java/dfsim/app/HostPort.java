package dfsim.app;

import dfsim.core.config.BadInputException;

/** A {@code HOST:PORT} from the command line (port 0: a free port). */
record HostPort(String host, int port) {
  /** Parses {@code value} of option {@code option}, or fails with one line. */
  static HostPort parse(String option, String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new BadInputException(option + " " + value + ": must be HOST:PORT");
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new BadInputException(option + " " + value + ": the port must be a number 0..65535");
    }
    if (port < 0 || port > 65535) {
      throw new BadInputException(option + " " + value + ": the port must be 0..65535");
    }
    return new HostPort(value.substring(0, colon), port);
  }

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
