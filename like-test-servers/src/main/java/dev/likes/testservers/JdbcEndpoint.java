package dev.likes.testservers;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Where a test database is and how to log in. {@link #toString()} never shows the password.
 *
 * @param url the JDBC URL, e.g. {@code jdbc:mysql://127.0.0.1:13306/like_test}
 * @param user the user name
 * @param password the password
 */
public record JdbcEndpoint(String url, String user, String password) {

    /**
     * Opens a new connection with {@link DriverManager}.
     *
     * @return the connection; the caller closes it
     * @throws SQLException if the server refuses or is down
     */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /**
     * The same server and credentials, another database.
     *
     * @param database the database name
     * @return the endpoint
     */
    public JdbcEndpoint withDatabase(String database) {
        int slash = url.indexOf('/', "jdbc:mysql://".length());
        int query = url.indexOf('?', slash);
        String tail = query < 0 ? "" : url.substring(query);
        return new JdbcEndpoint(url.substring(0, slash + 1) + database + tail, user, password);
    }

    @Override
    public String toString() {
        return "JdbcEndpoint[url=" + url + ", user=" + user + ", password=****]";
    }
}
