/**
 * Configuration: layered HOCON (each module's {@code reference.conf} < the user's file < {@code -D}
 * overrides), validated once at the edge, and typed settings so that no model class reads raw
 * keys. Bad input becomes a {@link dfsim.core.config.BadInputException} whose message is the one
 * line the user sees.
 */
package dfsim.core.config;
