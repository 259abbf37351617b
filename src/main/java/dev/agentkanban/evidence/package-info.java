/** Evidence attached to tasks (photos, notes, voice, measurements with GPS, files, links), files kept in PostgreSQL. */
package dev.agentkanban.evidence;
