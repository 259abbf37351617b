/** Request rate limits per client (token or address), in memory or shared through Redis. */
package dev.agentkanban.platform.ratelimit;
