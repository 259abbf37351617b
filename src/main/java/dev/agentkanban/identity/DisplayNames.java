package dev.agentkanban.identity;

/** SQL for showing a person by their display name where a row keeps only a username. */
public final class DisplayNames {

    private DisplayNames() {}

    /**
     * An SQL expression: the display name, as it is now, of the user whose username is in
     * {@code usernameColumn}, or the column's value itself when no user has that name (an imported
     * author, {@code system}, a rule) or the user has no display name.
     */
    public static String of(String usernameColumn) {
        return "coalesce((select nullif(btrim(dn.display_name), '') from users dn where dn.username = " + usernameColumn
                + "), " + usernameColumn + ")";
    }
}
