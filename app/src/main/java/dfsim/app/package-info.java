/** The {@code dfsim} command line: run, and the outputs of DESIGN §6. */
package dfsim.app;
