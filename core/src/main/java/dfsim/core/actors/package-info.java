/**
 * The actor engine: one Pekko typed actor per LP running the unchanged LP code, and a coordinator
 * running conservative windows with message counting. Only this package (and the app) imports
 * Pekko.
 */
package dfsim.core.actors;
