/** The {@code dfsim} command line: run, and the outputs of docs/reference.md. */
package dfsim.app;
