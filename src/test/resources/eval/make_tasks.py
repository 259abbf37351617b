#!/usr/bin/env python3
"""Writes tasks.jsonl: the worker's evaluation set (docs/worker.md#evaluation).

Each task is written by hand below with the hints a careful triager would expect, judged from the
task as a person reads it (not from what any agent's rules look for). Expectation codes:
  p:<level>   a priority hint to that level        t:<tag>    a tags hint carrying that tag
  title       a title hint (or rename advice)       desc       a description/acceptance-criteria hint
  epic:<name> an epic hint with that epic           actions    advice to split the task
  dup:<key>   a duplicate hint naming the task with that key
Tasks share one board; a task's id is its line number (1-based), so older tasks have lower ids.
Run: python3 make_tasks.py > tasks.jsonl
"""
import json

C = "- [ ] The change works as described\n- [ ] Tests cover it"  # ordinary acceptance criteria
TASKS = []


def t(title, desc=None, crit=C, prio="medium", tags=(), epic=None, expect="", key=None, status="pending"):
    TASKS.append(dict(key=key, title=title, description=desc, acceptance_criteria=crit, priority=prio, tags=list(tags),
                      epic=epic, status=status, expect=expect.split()))


# --- well-written tasks that need no hint (precision) ---
t("Add CSV export to the monthly report page", "Finance downloads the report by hand each month. Add an export button that downloads the table as CSV.")
t("Show the assignee's avatar on board cards", "Cards show only the name; an avatar makes the owner easy to spot.")
t("Let admins rename a workspace", "Workspace names are fixed at creation. Admins want to rename them from the settings page.")
t("Sort the tag picker alphabetically", "Tags appear in creation order, which makes long lists hard to scan.", prio="low")
t("Add keyboard shortcut to create a task", "Power users want to press N to open the new-task form.", prio="low")
t("Remember the last board a user opened", "After login users land on the first board; they want the one they used last.")
t("Paginate the comments of a task", "Tasks with hundreds of comments load slowly; show 50 at a time with a 'more' link.")
t("Allow filtering tasks by epic in the list view", "The list view filters by status and tag; product asked for epic as well.")
t("Add a due date field to tasks", "Teams track deadlines in the description today. A due date field lets the board sort by it.")
t("Display task counts in column headers", "Each column header should show how many tasks it holds.", prio="low")
t("Add dark mode to the web board", "Several users work at night and asked for a dark theme that follows the system setting.", prio="low")
t("Support Markdown tables in task descriptions", "The renderer drops tables; teams paste comparison tables into tasks.")
t("Send a weekly summary email to workspace admins", "Admins want a Monday email with tasks created, completed and overdue.")
t("Add an archive action for completed tasks", "Done columns grow forever; archiving hides tasks older than 30 days.")
t("Let users pin a comment to the top of a task", "Important decisions get lost in long threads; pinning keeps them visible.", prio="low")
t("Show who is viewing a board right now", "Small avatars in the header show other people on the same board.", prio="low")
t("Import tasks from a Trello JSON export", "Teams moving from Trello want their cards, lists and labels imported.")
t("Add an API endpoint to list a user's open tasks", "Integrations need GET /users/{id}/tasks?status=open.")
t("Make the board columns collapsible", "Wide boards do not fit on laptops; collapsing a column saves space.", prio="low")
t("Record the time a task spent in each column", "Cycle time reports need when a task entered and left each column.")
t("Allow bulk moving selected tasks to another column", "Planning sessions move dozens of cards one by one.")
t("Add a print stylesheet for the board", "Some teams print the board for stand-ups; the print view is cluttered.", prio="low")
t("Offer a compact card density setting", "Users with many tasks want smaller cards with title only.", prio="low")
t("Add an audit log page for workspace admins", "Admins need to see who changed roles and tokens, with dates.")
t("Let users choose their notification channels", "Some want email, others only in-app notifications.")
t("Add a search box to the tag management page", "Workspaces with 200 tags cannot find one quickly.", prio="low")
t("Show the task's history as a timeline", "The history tab is a raw list; a timeline groups changes by day.")
t("Allow attaching links as evidence to a task", "Agents want to attach a pull request URL as evidence of done work.")
t("Add WIP limit warnings to the column settings dialog", "When a limit is set below the current count, tell the user before saving.")
t("Translate the web board into German", "A customer team in Berlin asked for German labels.", prio="low")
t("Add a template picker for new tasks", "Teams repeat the same description structure; templates save typing.")
t("Allow reordering checklist items by drag and drop", "Checklist order matters for release steps.", prio="low")
t("Expose board statistics in the API", "Dashboards want counts per column and status over REST.")
t("Let users mute notifications for a board", "Noisy boards flood the inbox of people who only read them.", prio="low")
t("Add an 'assigned to me' quick filter", "One click should show only my tasks across the board.")
t("Show relative dates like '2 days ago' on cards", "Absolute timestamps are hard to read at a glance.", prio="low")
t("Add OpenAPI examples for the hints endpoints", "Client authors asked for request and response examples in the spec.", tags=["documentation"], prio="low")
t("Crash when saving a task with an emoji title", "Saving '🚀 Launch' crashes the form since the last release.", prio="high", tags=["bug"])
t("Login fails for users with a plus sign in their email", "alice+test@example.com cannot sign in; the error says invalid credentials.", prio="high", tags=["bug"])
t("Rotate the TLS certificates of the staging server", "They expire next month; renew and deploy them.", tags=["infrastructure"])

# --- bugs whose words say so: a higher priority and the bug tag ---
t("Crash when opening a board with 500 columns", "The page crashes with an exception in the column renderer.", expect="p:high t:bug")
t("Error 500 when saving a task with a long title", "Titles over 200 characters give a 500 error instead of a 422.", expect="p:high t:bug")
t("Task search fails for words with accents", "Searching for 'café' fails with an error; 'cafe' works.", expect="p:high t:bug")
t("Drag and drop is broken in Firefox", "Cards snap back to their column after dropping in Firefox 128.", expect="p:high t:bug")
t("Regression: comments no longer show their author", "Since v1.4 comments show 'unknown' as the author.", expect="p:high t:bug")
t("Webhook delivery fails for URLs with a port", "Deliveries to https://hooks.example.com:8443/x fail with an exception.", expect="p:high t:bug")
t("Exception when a tag name contains a slash", "Creating the tag 'ops/oncall' throws an exception and the page shows an error.", expect="p:high t:bug")
t("CSV import crashes on empty lines", "An empty line at the end of the file crashes the import.", expect="p:high t:bug")
t("Board page is broken on small screens", "Below 400px the columns overlap and cards cannot be opened.", expect="p:high t:bug")
t("Token creation fails when the name has spaces", "POST /tokens with name 'ci bot' fails with an error.", expect="p:high t:bug")
t("Email notifications fail for workspaces with a long name", "The mail job fails with an exception when the subject is longer than 255 characters.", expect="p:high t:bug")
t("Moving a task to Done does not work on iPad", "Tapping 'Move to Done' does nothing on iPadOS Safari.", expect="p:high t:bug")
t("The MCP claim_next_task tool crashes without a board", "Calling claim_next_task without board_id crashes the server with a null pointer exception.", expect="p:high t:bug")
t("Filter by tag fails after renaming the tag", "After renaming 'ux' to 'design' the filter returns an error.", expect="p:high t:bug")
t("Export job fails for boards with archived tasks", "The export stops with a failure message when archived tasks exist.", expect="p:high t:bug")
t("Broken link in the invitation email", "The 'accept invitation' link points to localhost.", expect="p:high t:bug")
t("Markdown preview crashes on nested lists", "A list nested three levels deep crashes the preview.", expect="p:high t:bug")
t("Due date picker shows an error in Safari", "Opening the picker in Safari 17 shows 'invalid date' error.", expect="p:high t:bug")
t("Dashboard fails to load for viewers", "Users with the viewer role get a failure page on the dashboard.", expect="p:high t:bug")
t("Regression in task ordering after moving cards", "Since yesterday's release moved cards jump back to the top of the column.", expect="p:high t:bug")
t("Avatar upload is broken for PNG files", "PNG avatars upload but display as a broken image.", expect="p:high t:bug", prio="low")
t("Session refresh fails after the password change", "Users who changed their password get an error on every refresh.", expect="p:high t:bug", prio="low")
t("Checklist progress shows 110 percent", "Bug: progress bar goes above 100% when items are deleted.", expect="t:bug")
t("Bug: the hints panel shows dismissed hints again", "After a reload dismissed hints come back.", expect="t:bug")
t("Defect in the tag counter of the sidebar", "Defect: the counter ignores tasks in the Done column.", expect="t:bug")

# --- bugs described without the usual words (a reader still sees a bug) ---
t("Users are logged out every few minutes", "Since Monday people have to sign in again every five minutes or so.", expect="p:high t:bug")
t("Invoice totals are off by one cent", "Totals in the billing export differ by 0.01 from the sum of the lines.", expect="p:high t:bug")
t("New tasks disappear after a page reload", "A task created on the board is gone when the page is reloaded, though the API lists it.", expect="p:high t:bug")
t("Board shows yesterday's data until the cache is cleared", "People see stale cards until they clear the browser cache.", expect="t:bug")
t("Timezones shift due dates by one day", "A due date of 3 March shows as 2 March for users in New York.", expect="p:high t:bug")
t("Notifications arrive twice", "Each comment notification is delivered two times to every watcher.", expect="t:bug")
t("The search returns nothing for tasks older than a year", "Tasks from 2024 never show up in results although they exist.", expect="p:high t:bug")
t("Uploading a 10 MB file hangs forever", "The progress bar stops at 99% and never completes.", expect="p:high t:bug")
t("Priority colours are swapped on the cards", "Low priority shows red and urgent shows grey.", expect="t:bug")
t("Reordering tasks loses the last card", "After dragging within a column the bottom card is no longer visible.", expect="p:high t:bug")
t("Emails show raw HTML tags", "Notification emails display <b> and <br> as text in Outlook.", expect="t:bug")
t("Deleting a column leaves its tasks orphaned", "Tasks of a deleted column cannot be opened any more.", expect="p:high t:bug")
t("API returns tasks of other boards with board_id filter", "GET /tasks?board_id=3 also lists tasks of board 4.", expect="p:high t:bug")
t("Counter of open tasks never goes down", "The sidebar counter keeps growing even after tasks are completed.", expect="t:bug")
t("Keyboard shortcut N opens two forms", "Pressing N once opens the new-task dialog twice.", expect="t:bug")

# --- urgent: outages, security, data loss ---
t("Production API is down for all workspaces", "Since 09:12 UTC every request answers 502; customers cannot work.", expect="p:urgent t:infrastructure")
t("Security: tokens are written to the access log", "Full bearer tokens appear in the nginx access log.", expect="p:urgent t:security")
t("SQL injection in the task search", "The q parameter is concatenated into SQL; a quote breaks the query.", expect="p:urgent t:security t:bug")
t("Data loss when two users edit a task at once", "The second save silently overwrites the first user's description.", expect="p:urgent t:bug")
t("XSS through task titles on the board", "A title with a script tag runs in other users' browsers.", expect="p:urgent t:security")
t("Outage of the webhook delivery service", "No webhook has been delivered for three hours.", expect="p:urgent t:infrastructure")
t("Critical: backups have not run for a week", "The nightly database backup job has silently stopped.", expect="p:urgent t:infrastructure")
t("Vulnerability in the image upload library", "CVE-2030-1234 allows remote code execution through crafted PNGs.", expect="p:urgent t:security")
t("Users can read tasks of workspaces they left", "After leaving a workspace the API still returns its tasks to the former member.", expect="p:urgent t:security")
t("Customer card numbers visible in the billing logs", "Full card numbers are printed in the payment service's debug output.", expect="p:urgent t:security")
t("Password reset links never expire", "A reset link from last year still works.", expect="p:urgent t:security")
t("Deleted workspaces leave their data on disk", "Attachments of deleted workspaces stay in the bucket forever.", expect="p:high t:security")
t("Everything is down after the database failover", "The service cannot reconnect after the primary switched; all pages fail.", expect="p:urgent t:infrastructure t:bug")
t("Emergency: disk of the primary database is 98% full", "The database server will stop accepting writes within hours.", expect="p:urgent t:infrastructure")
t("CSRF protection missing on the settings form", "The workspace settings form accepts cross-site posts.", expect="p:urgent t:security")

# --- documentation ---
t("Document the webhook retry policy", "Integrators ask how often and how long failed deliveries are retried.", expect="t:documentation")
t("Fix typo in the README install section", "'instal' should be 'install' in the first step.", prio="low", expect="t:documentation")
t("Write a guide for migrating from Jira", "Step by step: export from Jira, map fields, import.", expect="t:documentation")
t("Explain token scopes in the API docs", "Which endpoints need read, write or admin scope is not written anywhere.", expect="t:documentation")
t("Add a tutorial for the MCP server", "A first-steps tutorial: connect an agent, list tasks, claim one.", expect="t:documentation")
t("Describe the backup and restore procedure for operators", "Operators need the exact commands and the order of steps.", expect="t:documentation")
t("The docs for the events endpoint show the wrong cursor name", "They say 'since', the API takes 'after'.", expect="t:documentation")
t("Write release notes for version 2.0", "List new features, breaking changes and the upgrade steps.", expect="t:documentation")
t("Add a FAQ entry about rate limits", "Support answers the same question about 429 answers every week.", expect="t:documentation")
t("Document how to run the worker with a local model", "Explain the settings for a model running on the same machine.", expect="t:documentation")
t("Update screenshots in the user manual", "They still show the old board layout.", prio="low", expect="t:documentation")
t("Clarify the WIP limit behaviour in the help page", "Users do not know that moves over the limit are refused.", expect="t:documentation")

# --- infrastructure ---
t("Move CI from Jenkins to the new pipeline", "The Jenkins server is retired at the end of the quarter.", expect="t:infrastructure")
t("Upgrade PostgreSQL on the staging database server to 17", "Staging runs 15; production moves to 17 next month.", expect="t:infrastructure")
t("Add a Docker image for the worker", "Operators want to run the worker as a container next to the service.", expect="t:infrastructure")
t("Write Terraform for the monitoring stack", "Grafana and Prometheus are set up by hand today.", expect="t:infrastructure")
t("Deploy the service to the second region", "Customers in Asia see 300 ms latency; deploy a copy in Singapore.", expect="t:infrastructure")
t("Set up Kubernetes liveness probes", "Pods that hang are not restarted because there is no probe.", expect="t:infrastructure")
t("Cache Maven dependencies in the build pipeline", "Every build downloads 400 MB of dependencies.", prio="low", expect="t:infrastructure")
t("Automate certificate renewal", "Certificates are renewed by hand every 90 days.", expect="t:infrastructure")
t("Add a read replica for reporting queries", "Reports slow down the primary database during the day.", expect="t:infrastructure")
t("Centralise logs of all services", "Logs live on each host; debugging means ssh to five machines.", expect="t:infrastructure")
t("Tune the connection pool of the API", "Under load the pool of 10 connections is exhausted.", expect="t:infrastructure")
t("Nightly job to vacuum the events table", "The outbox table bloats to 40 GB between manual vacuums.", expect="t:infrastructure")

# --- titles that say little, shout or end in punctuation ---
t("fix bug", "The export button on the report page does nothing when the report is empty.", expect="title")
t("update stuff", "Update the copyright year and the support address in the footer.", prio="low", expect="title")
t("TODO", "Add an index on tasks(board_id, status) to speed up the board query.", expect="title")
t("misc changes", "Rename the 'Backlog' column to 'Ideas' in the default board template.", prio="low", expect="title")
t("it doesn't work", None, crit=None, expect="title desc")
t("problem", "Users cannot upload avatars larger than 1 MB although the limit says 5 MB.", expect="title")
t("ADD EXPORT TO PDF", "Managers want the board as a PDF for the weekly meeting.", expect="title")
t("MAKE THE SIDEBAR RESIZABLE", "The sidebar is fixed at 300px and hides long board names.", prio="low", expect="title")
t("Add a link to the changelog!!!", "The footer should link to the changelog page.", prio="low", expect="title")
t("Show the version number in the footer.", "Support needs to know which version a user runs.", prio="low", expect="title")
t("Can we have bigger cards?", "Cards cut long titles after two lines.", prio="low", expect="title")
t("wip", "Half-done: the new onboarding screens; see the design file.", expect="title")
t("stuff for release", "Bump the version, tag the release and publish the image.", expect="title")
t("tests", "Add tests for the column reorder endpoint, which has none.", expect="title")
t("improve", "The board page makes 40 requests on load; bundle them into one.", expect="title")
t("CHANGE DEFAULT SORT ORDER", "Sort tasks by priority, then by age, in every column.", expect="title")
t("things", None, crit=None, expect="title desc")
t("The board should remember collapsed columns...", "Collapsed columns open again after a reload.", prio="low", expect="title t:bug")
t("Issue", "The date format ignores the user's locale setting on cards.", expect="title t:bug")
t("Fix", "Comments posted via the API show the wrong timestamp.", expect="title t:bug")

# --- titles with an area prefix and no epic ---
t("Billing: refunds are rounded down", "Partial refunds lose fractions of a cent.", expect="epic:Billing t:bug")
t("Billing: add VAT numbers to invoices", "EU customers need their VAT number on each invoice.", expect="epic:Billing")
t("Search: highlight matching words in results", "Matching words should be bold in the result list.", prio="low", expect="epic:Search")
t("Search: support quoted phrases", "Searching \"release notes\" should match the exact phrase.", expect="epic:Search")
t("Onboarding: welcome tour for new users", "A five-step tour of the board on first login.", expect="epic:Onboarding")
t("Onboarding: sample board for new workspaces", "New workspaces start empty; a sample board shows how to use columns.", expect="epic:Onboarding")
t("Mobile: swipe to move a card", "On phones swiping a card right should move it to the next column.", expect="epic:Mobile")
t("Mobile: offline mode for reading boards", "Read the last loaded board without a connection.", expect="epic:Mobile")
t("Reports: cycle time chart", "A chart of the days from start to done per task.", expect="epic:Reports")
t("Reports: export the burndown as PNG", "Managers paste the burndown into slides.", prio="low", expect="epic:Reports")
t("API: add ETag headers to task responses", "Clients want conditional requests with If-None-Match.", expect="epic:API")
t("Notifications: digest instead of single emails", "Send one email per hour with all changes.", expect="epic:Notifications")
t("Billing: invoices in the customer's currency", "Invoices are always in EUR; customers pay in USD and GBP.", epic="Billing")
t("Search: index comments too", "Comments are not searchable today.", epic="Search")
t("Reports: weekly throughput per person", "How many tasks each person finished per week.", epic="Reports")

# --- tasks without a description or without acceptance criteria ---
t("Add a 'copy link' button to the task panel", None, crit=None, prio="low", expect="desc")
t("Show the number of comments on each card", None, crit=None, prio="low", expect="desc")
t("Allow emoji reactions on comments", None, crit=None, prio="low", expect="desc")
t("Support SSO with Okta", None, crit=None, expect="desc")
t("Rate limit the login endpoint", None, crit=None, expect="desc t:security")
t("Add a public status page", None, crit=None, expect="desc t:infrastructure")
t("Let users export their own data", None, crit=None, expect="desc")
t("Group tasks by epic on the board", None, crit=None, expect="desc")
t("Add a confirmation before deleting a board", "Boards are deleted with one click and no undo.", crit=None, expect="desc")
t("Show a warning when a task has no assignee for a week", "Unassigned tasks are forgotten in the backlog.", crit=None, expect="desc")
t("Add swimlanes by assignee", "Managers want a row per person on the board.", crit=None, expect="desc")
t("Limit the size of attachments per workspace", "One workspace uploaded 80 GB of videos.", crit=None, expect="desc")
t("Add two-factor authentication", "Security review asked for TOTP based 2FA for all admins.", crit=None, expect="desc t:security")
t("Colour-code cards by epic", "Each epic gets a colour stripe on its cards.", crit=None, prio="low", expect="desc")
t("Make task IDs visible on cards", "People refer to tasks by number in chat.", crit=None, prio="low", expect="desc")
t("Allow custom fields on tasks", "Teams want fields like 'customer' and 'estimate'.", crit=None, expect="desc")
t("Send a reminder before a due date", "One day before the due date the assignee gets a reminder.", crit=None, expect="desc")
t("Support recurring tasks", "Weekly chores should be created again automatically.", crit=None, expect="desc")
t("Show a loading indicator while the board loads", None, crit=None, prio="low", expect="desc")
t("Add a 'duplicate task' action", None, crit=None, prio="low", expect="desc")

# --- several tasks in one: split ---
LONG = "\n".join("- [ ] " + s for s in ["Create the table", "Write the migration", "Add the repository", "Add the service",
                                         "Add the controller", "Validate input", "Write unit tests", "Write API tests",
                                         "Update the OpenAPI spec", "Update the docs", "Add a changelog entry"])
t("Build the comment reactions feature", "All steps:\n" + LONG, expect="actions")
t("Release 3.0", "Checklist:\n" + "\n".join("- [ ] " + s for s in ["Freeze the branch", "Run the full test suite", "Update version numbers",
    "Write release notes", "Build the images", "Publish the images", "Deploy to staging", "Smoke test staging",
    "Deploy to production", "Announce the release"]), expect="actions")
t("Set up the new office network", "To do:\n" + "\n".join("- [ ] " + s for s in ["Order the switches", "Order the access points",
    "Plan the VLANs", "Configure the firewall", "Configure the Wi-Fi", "Set up the VPN", "Label the cables", "Test every port",
    "Document the setup"]), expect="actions t:infrastructure")
t("Onboard the new support team", "Steps:\n" + "\n".join("- [ ] " + s for s in ["Create accounts", "Grant board access",
    "Walk through the ticket flow", "Pair on five tickets", "Review their first week", "Set up the on-call rota",
    "Share the escalation list", "Add them to the chat channels", "Schedule a retro"]), expect="actions")
t("Redesign the settings area", "Rework the profile page, the notification settings, the token management, the workspace "
  "settings and the billing page, then migrate the old URLs and update every screenshot in the manual.", expect="actions")
t("Launch the public API", "Write the API reference, build the developer portal, add API keys with scopes, set up rate "
  "limiting, publish client libraries for Python and JavaScript, and announce it on the blog.", expect="actions")
t("Prepare the security audit", "Collect the architecture diagrams, list all third-party services, export the access logs "
  "of the last year, run a dependency scan and fix the findings, and book the auditors.", expect="actions t:security")
t("Move to the new payment provider", "Sign the contract, implement the new checkout, migrate stored cards, run both providers "
  "in parallel for a month, switch off the old one and update the invoices.", expect="actions")
t("Quarterly cleanup", "Delete stale branches, archive old boards, remove unused tags, rotate all API tokens, update "
  "dependencies and close tickets older than a year.", expect="actions")
t("Build the mobile app", "Design the screens, build the iOS app, build the Android app, set up push notifications, "
  "publish to both stores and write the user guide.", expect="actions")
t("Write the yearly report", "A single report of the year: numbers per quarter.", prio="low")
t("Implement the reactions API", "One endpoint to add a reaction and one to remove it.")

# --- duplicates: the same work asked for twice (the later one expects dup of the earlier) ---
t("Add CSV export to the task list", "Export the filtered list view as CSV.", key="csv")
t("Dark theme for the mobile web board", "The mobile layout needs a dark theme too.", prio="low", key="darkmobile")
t("Slack notifications for new comments", "Post a message to a Slack channel when someone comments.", key="slack")
t("Bulk edit the priority of selected tasks", "Select several tasks and set their priority at once.", key="bulkprio")
t("Keyboard navigation between cards", "Arrow keys should move the focus between cards.", key="keys")
t("Show a burndown chart per sprint", "Teams want to see remaining work per day of the sprint.", key="burndown")
t("Add CSV export to the task list", "We need the list as a CSV file.", expect="dup:csv")
t("add csv export to the  task list", None, crit=None, expect="dup:csv desc")
t("Slack notifications for new comments", "Same as before: notify Slack on comments.", expect="dup:slack")
t("Keyboard navigation between cards", "Move between cards with the arrow keys.", expect="dup:keys")
t("Dark mode for the board on phones", "On mobile the board should also have a dark theme.", prio="low", expect="dup:darkmobile")
t("Change the priority of many tasks at once", "Pick several tasks and give them the same priority in one step.", expect="dup:bulkprio")
t("Sprint burndown chart", "A chart of the remaining work for each day of the sprint.", expect="dup:burndown")
t("Post comment notifications to a Slack channel", "When a comment is added, send it to Slack.", expect="dup:slack")

if __name__ == "__main__":
    keys = {}
    for i, task in enumerate(TASKS, start=1):
        if task["key"]:
            keys[task["key"]] = i
    for i, task in enumerate(TASKS, start=1):
        expected = []
        for code in task["expect"]:
            kind, _, value = code.partition(":")
            if kind == "p":
                expected.append({"type": "priority", "value": value})
            elif kind == "t":
                expected.append({"type": "tags", "value": value})
            elif kind == "epic":
                expected.append({"type": "epic", "value": value})
            elif kind == "dup":
                expected.append({"type": "duplicate", "value": keys[value]})
            elif kind == "title":
                expected.append({"type": "title"})
            elif kind == "desc":
                expected.append({"type": "description"})
            elif kind == "actions":
                expected.append({"type": "actions"})
            else:
                raise SystemExit("unknown code " + code)
        row = {"id": i, "title": task["title"], "description": task["description"],
               "acceptance_criteria": task["acceptance_criteria"], "status": task["status"], "priority": task["priority"],
               "epic": task["epic"], "tags": task["tags"], "expected": expected}
        print(json.dumps(row, ensure_ascii=False))
