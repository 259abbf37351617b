/** Demo data for a first look (SEED_DEMO_DATA): seeded once, only into an empty database. */
package dev.agentkanban.demo;
