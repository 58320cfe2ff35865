/**
 * Kernel behaviour switches that more than one model module acts on: each a small interface
 * whose implementations model the kernel before and after the commit that changed it, chosen
 * once when the model is built. Switches that act in one module live in that module.
 */
package dfsim.core.kernel;
