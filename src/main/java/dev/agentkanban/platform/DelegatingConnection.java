package dev.agentkanban.platform;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.ShardingKey;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * A connection that passes every call to another one: the base of the service's own connection
 * wrappers ({@link BoundDataSource}, the slow-SQL log), which override only what they change. Plain
 * calls rather than a {@code java.lang.reflect.Proxy}: a proxy boxed the arguments of every JDBC call
 * into an array and dispatched it by reflection (issue #19, a task's read in docs/benchmarks.md).
 * Generated from {@link Connection}'s methods; {@code unwrap} answers this wrapper for its own types.
 */
public abstract class DelegatingConnection implements Connection {

    protected final Connection delegate;

    protected DelegatingConnection(Connection delegate) {
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
    public void abort(Executor executor) throws SQLException {
        delegate.abort(executor);
    }

    @Override
    public void beginRequest() throws SQLException {
        delegate.beginRequest();
    }

    @Override
    public void clearWarnings() throws SQLException {
        delegate.clearWarnings();
    }

    @Override
    public void close() throws SQLException {
        delegate.close();
    }

    @Override
    public void commit() throws SQLException {
        delegate.commit();
    }

    @Override
    public Array createArrayOf(String string, Object[] objects) throws SQLException {
        return delegate.createArrayOf(string, objects);
    }

    @Override
    public Blob createBlob() throws SQLException {
        return delegate.createBlob();
    }

    @Override
    public Clob createClob() throws SQLException {
        return delegate.createClob();
    }

    @Override
    public NClob createNClob() throws SQLException {
        return delegate.createNClob();
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return delegate.createSQLXML();
    }

    @Override
    public Statement createStatement() throws SQLException {
        return delegate.createStatement();
    }

    @Override
    public Statement createStatement(int intValue, int intValue2, int intValue3) throws SQLException {
        return delegate.createStatement(intValue, intValue2, intValue3);
    }

    @Override
    public Statement createStatement(int intValue, int intValue2) throws SQLException {
        return delegate.createStatement(intValue, intValue2);
    }

    @Override
    public Struct createStruct(String string, Object[] objects) throws SQLException {
        return delegate.createStruct(string, objects);
    }

    @Override
    public void endRequest() throws SQLException {
        delegate.endRequest();
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        return delegate.getAutoCommit();
    }

    @Override
    public String getCatalog() throws SQLException {
        return delegate.getCatalog();
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        return delegate.getClientInfo();
    }

    @Override
    public String getClientInfo(String string) throws SQLException {
        return delegate.getClientInfo(string);
    }

    @Override
    public int getHoldability() throws SQLException {
        return delegate.getHoldability();
    }

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        return delegate.getMetaData();
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        return delegate.getNetworkTimeout();
    }

    @Override
    public String getSchema() throws SQLException {
        return delegate.getSchema();
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        return delegate.getTransactionIsolation();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        return delegate.getTypeMap();
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        return delegate.getWarnings();
    }

    @Override
    public boolean isClosed() throws SQLException {
        return delegate.isClosed();
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        return delegate.isReadOnly();
    }

    @Override
    public boolean isValid(int intValue) throws SQLException {
        return delegate.isValid(intValue);
    }

    @Override
    public String nativeSQL(String string) throws SQLException {
        return delegate.nativeSQL(string);
    }

    @Override
    public CallableStatement prepareCall(String string, int intValue, int intValue2, int intValue3)
            throws SQLException {
        return delegate.prepareCall(string, intValue, intValue2, intValue3);
    }

    @Override
    public CallableStatement prepareCall(String string, int intValue, int intValue2) throws SQLException {
        return delegate.prepareCall(string, intValue, intValue2);
    }

    @Override
    public CallableStatement prepareCall(String string) throws SQLException {
        return delegate.prepareCall(string);
    }

    @Override
    public PreparedStatement prepareStatement(String string, int[] ints) throws SQLException {
        return delegate.prepareStatement(string, ints);
    }

    @Override
    public PreparedStatement prepareStatement(String string, String[] strings) throws SQLException {
        return delegate.prepareStatement(string, strings);
    }

    @Override
    public PreparedStatement prepareStatement(String string, int intValue, int intValue2, int intValue3)
            throws SQLException {
        return delegate.prepareStatement(string, intValue, intValue2, intValue3);
    }

    @Override
    public PreparedStatement prepareStatement(String string, int intValue, int intValue2) throws SQLException {
        return delegate.prepareStatement(string, intValue, intValue2);
    }

    @Override
    public PreparedStatement prepareStatement(String string, int intValue) throws SQLException {
        return delegate.prepareStatement(string, intValue);
    }

    @Override
    public PreparedStatement prepareStatement(String string) throws SQLException {
        return delegate.prepareStatement(string);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        delegate.releaseSavepoint(savepoint);
    }

    @Override
    public void rollback() throws SQLException {
        delegate.rollback();
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        delegate.rollback(savepoint);
    }

    @Override
    public void setAutoCommit(boolean booleanValue) throws SQLException {
        delegate.setAutoCommit(booleanValue);
    }

    @Override
    public void setCatalog(String string) throws SQLException {
        delegate.setCatalog(string);
    }

    @Override
    public void setClientInfo(String string, String string2) throws SQLClientInfoException {
        delegate.setClientInfo(string, string2);
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        delegate.setClientInfo(properties);
    }

    @Override
    public void setHoldability(int intValue) throws SQLException {
        delegate.setHoldability(intValue);
    }

    @Override
    public void setNetworkTimeout(Executor executor, int intValue) throws SQLException {
        delegate.setNetworkTimeout(executor, intValue);
    }

    @Override
    public void setReadOnly(boolean booleanValue) throws SQLException {
        delegate.setReadOnly(booleanValue);
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return delegate.setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String string) throws SQLException {
        return delegate.setSavepoint(string);
    }

    @Override
    public void setSchema(String string) throws SQLException {
        delegate.setSchema(string);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, int intValue) throws SQLException {
        return delegate.setShardingKeyIfValid(shardingKey, intValue);
    }

    @Override
    public boolean setShardingKeyIfValid(ShardingKey shardingKey, ShardingKey shardingKey2, int intValue)
            throws SQLException {
        return delegate.setShardingKeyIfValid(shardingKey, shardingKey2, intValue);
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey, ShardingKey shardingKey2) throws SQLException {
        delegate.setShardingKey(shardingKey, shardingKey2);
    }

    @Override
    public void setShardingKey(ShardingKey shardingKey) throws SQLException {
        delegate.setShardingKey(shardingKey);
    }

    @Override
    public void setTransactionIsolation(int intValue) throws SQLException {
        delegate.setTransactionIsolation(intValue);
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        delegate.setTypeMap(map);
    }
}
