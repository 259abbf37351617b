/**
 * Custom fields (issue 17): typed fields a board defines (text, number, date, single and multi select,
 * checkbox, member, URL) and the checking of their values before a task stores them.
 */
package dev.agentkanban.field;
