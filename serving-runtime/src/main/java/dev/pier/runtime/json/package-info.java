/**
 * JSON parsing with bounded cost (nesting, number and name limits) shared by the REST codec and the
 * model configuration reader.
 */
package dev.pier.runtime.json;
