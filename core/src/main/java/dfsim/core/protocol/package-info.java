/**
 * Messages between LPs of different modules (cpus, memory, scheduler never import each other).
 * Every message is an immutable record; arrays in them are never changed after sending.
 */
package dfsim.core.protocol;
