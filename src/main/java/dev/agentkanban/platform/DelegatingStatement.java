package dev.agentkanban.platform;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;

/**
 * A statement that passes every call to another one ({@link DelegatingConnection} says why).
 * Generated from {@link Statement}'s methods.
 */
public abstract class DelegatingStatement<S extends Statement> implements Statement {

    protected final S delegate;

    protected DelegatingStatement(S delegate) {
        this.delegate = delegate;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        return iface.isInstance(this) ? iface.cast(this) : delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        return iface.isInstance(this) || delegate.isWrapperFor(iface);
    }

    @Override
    public void addBatch(String string) throws SQLException {
        delegate.addBatch(string);
    }

    @Override
    public void cancel() throws SQLException {
        delegate.cancel();
    }

    @Override
    public void clearBatch() throws SQLException {
        delegate.clearBatch();
    }

    @Override
    public void clearWarnings() throws SQLException {
        delegate.clearWarnings();
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        delegate.closeOnCompletion();
    }

    @Override
    public void close() throws SQLException {
        delegate.close();
    }

    @Override
    public String enquoteIdentifier(String string, boolean booleanValue) throws SQLException {
        return delegate.enquoteIdentifier(string, booleanValue);
    }

    @Override
    public String enquoteLiteral(String string) throws SQLException {
        return delegate.enquoteLiteral(string);
    }

    @Override
    public String enquoteNCharLiteral(String string) throws SQLException {
        return delegate.enquoteNCharLiteral(string);
    }

    @Override
    public int[] executeBatch() throws SQLException {
        return delegate.executeBatch();
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        return delegate.executeLargeBatch();
    }

    @Override
    public long executeLargeUpdate(String string, int[] ints) throws SQLException {
        return delegate.executeLargeUpdate(string, ints);
    }

    @Override
    public long executeLargeUpdate(String string, String[] strings) throws SQLException {
        return delegate.executeLargeUpdate(string, strings);
    }

    @Override
    public long executeLargeUpdate(String string, int intValue) throws SQLException {
        return delegate.executeLargeUpdate(string, intValue);
    }

    @Override
    public long executeLargeUpdate(String string) throws SQLException {
        return delegate.executeLargeUpdate(string);
    }

    @Override
    public ResultSet executeQuery(String string) throws SQLException {
        return delegate.executeQuery(string);
    }

    @Override
    public int executeUpdate(String string, int[] ints) throws SQLException {
        return delegate.executeUpdate(string, ints);
    }

    @Override
    public int executeUpdate(String string, String[] strings) throws SQLException {
        return delegate.executeUpdate(string, strings);
    }

    @Override
    public int executeUpdate(String string, int intValue) throws SQLException {
        return delegate.executeUpdate(string, intValue);
    }

    @Override
    public int executeUpdate(String string) throws SQLException {
        return delegate.executeUpdate(string);
    }

    @Override
    public boolean execute(String string, int[] ints) throws SQLException {
        return delegate.execute(string, ints);
    }

    @Override
    public boolean execute(String string, String[] strings) throws SQLException {
        return delegate.execute(string, strings);
    }

    @Override
    public boolean execute(String string, int intValue) throws SQLException {
        return delegate.execute(string, intValue);
    }

    @Override
    public boolean execute(String string) throws SQLException {
        return delegate.execute(string);
    }

    @Override
    public Connection getConnection() throws SQLException {
        return delegate.getConnection();
    }

    @Override
    public int getFetchDirection() throws SQLException {
        return delegate.getFetchDirection();
    }

    @Override
    public int getFetchSize() throws SQLException {
        return delegate.getFetchSize();
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return delegate.getGeneratedKeys();
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        return delegate.getLargeMaxRows();
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        return delegate.getLargeUpdateCount();
    }

    @Override
    public int getMaxFieldSize() throws SQLException {
        return delegate.getMaxFieldSize();
    }

    @Override
    public int getMaxRows() throws SQLException {
        return delegate.getMaxRows();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return delegate.getMoreResults();
    }

    @Override
    public boolean getMoreResults(int intValue) throws SQLException {
        return delegate.getMoreResults(intValue);
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        return delegate.getQueryTimeout();
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        return delegate.getResultSetConcurrency();
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        return delegate.getResultSetHoldability();
    }

    @Override
    public int getResultSetType() throws SQLException {
        return delegate.getResultSetType();
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return delegate.getResultSet();
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return delegate.getUpdateCount();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return delegate.getWarnings();
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        return delegate.isCloseOnCompletion();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return delegate.isClosed();
    }

    @Override
    public boolean isPoolable() throws SQLException {
        return delegate.isPoolable();
    }

    @Override
    public boolean isSimpleIdentifier(String string) throws SQLException {
        return delegate.isSimpleIdentifier(string);
    }

    @Override
    public void setCursorName(String string) throws SQLException {
        delegate.setCursorName(string);
    }

    @Override
    public void setEscapeProcessing(boolean booleanValue) throws SQLException {
        delegate.setEscapeProcessing(booleanValue);
    }

    @Override
    public void setFetchDirection(int intValue) throws SQLException {
        delegate.setFetchDirection(intValue);
    }

    @Override
    public void setFetchSize(int intValue) throws SQLException {
        delegate.setFetchSize(intValue);
    }

    @Override
    public void setLargeMaxRows(long longValue) throws SQLException {
        delegate.setLargeMaxRows(longValue);
    }

    @Override
    public void setMaxFieldSize(int intValue) throws SQLException {
        delegate.setMaxFieldSize(intValue);
    }

    @Override
    public void setMaxRows(int intValue) throws SQLException {
        delegate.setMaxRows(intValue);
    }

    @Override
    public void setPoolable(boolean booleanValue) throws SQLException {
        delegate.setPoolable(booleanValue);
    }

    @Override
    public void setQueryTimeout(int intValue) throws SQLException {
        delegate.setQueryTimeout(intValue);
    }
}
