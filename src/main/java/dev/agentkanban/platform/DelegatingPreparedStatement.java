package dev.agentkanban.platform;

import java.io.InputStream;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URL;
import java.sql.Array;
import java.sql.Blob;
import java.sql.Clob;
import java.sql.Date;
import java.sql.NClob;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.Ref;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.RowId;
import java.sql.SQLException;
import java.sql.SQLType;
import java.sql.SQLXML;
import java.sql.Time;
import java.sql.Timestamp;
import java.util.Calendar;

/**
 * A prepared statement that passes every call to another one ({@link DelegatingConnection} says why),
 * its parameters' indexes through {@link #parameter}. Generated from {@link PreparedStatement}'s methods.
 */
public abstract class DelegatingPreparedStatement extends DelegatingStatement<PreparedStatement>
        implements PreparedStatement {

    protected DelegatingPreparedStatement(PreparedStatement delegate) {
        super(delegate);
    }

    /** The delegate's index of this statement's parameter {@code index} (the same here). */
    protected int parameter(int index) {
        return index;
    }

    @Override
    public void addBatch() throws SQLException {
        delegate.addBatch();
    }

    @Override
    public void clearParameters() throws SQLException {
        delegate.clearParameters();
    }

    @Override
    public long executeLargeUpdate() throws SQLException {
        return delegate.executeLargeUpdate();
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return delegate.executeQuery();
    }

    @Override
    public int executeUpdate() throws SQLException {
        return delegate.executeUpdate();
    }

    @Override
    public boolean execute() throws SQLException {
        return delegate.execute();
    }

    @Override
    public ResultSetMetaData getMetaData() throws SQLException {
        return delegate.getMetaData();
    }

    @Override
    public ParameterMetaData getParameterMetaData() throws SQLException {
        return delegate.getParameterMetaData();
    }

    @Override
    public void setArray(int index, Array array) throws SQLException {
        delegate.setArray(parameter(index), array);
    }

    @Override
    public void setAsciiStream(int index, InputStream inputStream, int intValue) throws SQLException {
        delegate.setAsciiStream(parameter(index), inputStream, intValue);
    }

    @Override
    public void setAsciiStream(int index, InputStream inputStream, long longValue) throws SQLException {
        delegate.setAsciiStream(parameter(index), inputStream, longValue);
    }

    @Override
    public void setAsciiStream(int index, InputStream inputStream) throws SQLException {
        delegate.setAsciiStream(parameter(index), inputStream);
    }

    @Override
    public void setBigDecimal(int index, BigDecimal bigDecimal) throws SQLException {
        delegate.setBigDecimal(parameter(index), bigDecimal);
    }

    @Override
    public void setBinaryStream(int index, InputStream inputStream, int intValue) throws SQLException {
        delegate.setBinaryStream(parameter(index), inputStream, intValue);
    }

    @Override
    public void setBinaryStream(int index, InputStream inputStream, long longValue) throws SQLException {
        delegate.setBinaryStream(parameter(index), inputStream, longValue);
    }

    @Override
    public void setBinaryStream(int index, InputStream inputStream) throws SQLException {
        delegate.setBinaryStream(parameter(index), inputStream);
    }

    @Override
    public void setBlob(int index, InputStream inputStream, long longValue) throws SQLException {
        delegate.setBlob(parameter(index), inputStream, longValue);
    }

    @Override
    public void setBlob(int index, InputStream inputStream) throws SQLException {
        delegate.setBlob(parameter(index), inputStream);
    }

    @Override
    public void setBlob(int index, Blob blob) throws SQLException {
        delegate.setBlob(parameter(index), blob);
    }

    @Override
    public void setBoolean(int index, boolean booleanValue) throws SQLException {
        delegate.setBoolean(parameter(index), booleanValue);
    }

    @Override
    public void setByte(int index, byte byteValue) throws SQLException {
        delegate.setByte(parameter(index), byteValue);
    }

    @Override
    public void setBytes(int index, byte[] bytes) throws SQLException {
        delegate.setBytes(parameter(index), bytes);
    }

    @Override
    public void setCharacterStream(int index, Reader reader, int intValue) throws SQLException {
        delegate.setCharacterStream(parameter(index), reader, intValue);
    }

    @Override
    public void setCharacterStream(int index, Reader reader, long longValue) throws SQLException {
        delegate.setCharacterStream(parameter(index), reader, longValue);
    }

    @Override
    public void setCharacterStream(int index, Reader reader) throws SQLException {
        delegate.setCharacterStream(parameter(index), reader);
    }

    @Override
    public void setClob(int index, Reader reader, long longValue) throws SQLException {
        delegate.setClob(parameter(index), reader, longValue);
    }

    @Override
    public void setClob(int index, Reader reader) throws SQLException {
        delegate.setClob(parameter(index), reader);
    }

    @Override
    public void setClob(int index, Clob clob) throws SQLException {
        delegate.setClob(parameter(index), clob);
    }

    @Override
    public void setDate(int index, Date date, Calendar calendar) throws SQLException {
        delegate.setDate(parameter(index), date, calendar);
    }

    @Override
    public void setDate(int index, Date date) throws SQLException {
        delegate.setDate(parameter(index), date);
    }

    @Override
    public void setDouble(int index, double doubleValue) throws SQLException {
        delegate.setDouble(parameter(index), doubleValue);
    }

    @Override
    public void setFloat(int index, float floatValue) throws SQLException {
        delegate.setFloat(parameter(index), floatValue);
    }

    @Override
    public void setInt(int index, int intValue) throws SQLException {
        delegate.setInt(parameter(index), intValue);
    }

    @Override
    public void setLong(int index, long longValue) throws SQLException {
        delegate.setLong(parameter(index), longValue);
    }

    @Override
    public void setNCharacterStream(int index, Reader reader, long longValue) throws SQLException {
        delegate.setNCharacterStream(parameter(index), reader, longValue);
    }

    @Override
    public void setNCharacterStream(int index, Reader reader) throws SQLException {
        delegate.setNCharacterStream(parameter(index), reader);
    }

    @Override
    public void setNClob(int index, Reader reader, long longValue) throws SQLException {
        delegate.setNClob(parameter(index), reader, longValue);
    }

    @Override
    public void setNClob(int index, Reader reader) throws SQLException {
        delegate.setNClob(parameter(index), reader);
    }

    @Override
    public void setNClob(int index, NClob nClob) throws SQLException {
        delegate.setNClob(parameter(index), nClob);
    }

    @Override
    public void setNString(int index, String string) throws SQLException {
        delegate.setNString(parameter(index), string);
    }

    @Override
    public void setNull(int index, int intValue, String string) throws SQLException {
        delegate.setNull(parameter(index), intValue, string);
    }

    @Override
    public void setNull(int index, int intValue) throws SQLException {
        delegate.setNull(parameter(index), intValue);
    }

    @Override
    public void setObject(int index, Object objectValue, int intValue, int intValue2) throws SQLException {
        delegate.setObject(parameter(index), objectValue, intValue, intValue2);
    }

    @Override
    public void setObject(int index, Object objectValue, int intValue) throws SQLException {
        delegate.setObject(parameter(index), objectValue, intValue);
    }

    @Override
    public void setObject(int index, Object objectValue, SQLType sQLType, int intValue) throws SQLException {
        delegate.setObject(parameter(index), objectValue, sQLType, intValue);
    }

    @Override
    public void setObject(int index, Object objectValue, SQLType sQLType) throws SQLException {
        delegate.setObject(parameter(index), objectValue, sQLType);
    }

    @Override
    public void setObject(int index, Object objectValue) throws SQLException {
        delegate.setObject(parameter(index), objectValue);
    }

    @Override
    public void setRef(int index, Ref ref) throws SQLException {
        delegate.setRef(parameter(index), ref);
    }

    @Override
    public void setRowId(int index, RowId rowId) throws SQLException {
        delegate.setRowId(parameter(index), rowId);
    }

    @Override
    public void setSQLXML(int index, SQLXML sQLXML) throws SQLException {
        delegate.setSQLXML(parameter(index), sQLXML);
    }

    @Override
    public void setShort(int index, short shortValue) throws SQLException {
        delegate.setShort(parameter(index), shortValue);
    }

    @Override
    public void setString(int index, String string) throws SQLException {
        delegate.setString(parameter(index), string);
    }

    @Override
    public void setTime(int index, Time time, Calendar calendar) throws SQLException {
        delegate.setTime(parameter(index), time, calendar);
    }

    @Override
    public void setTime(int index, Time time) throws SQLException {
        delegate.setTime(parameter(index), time);
    }

    @Override
    public void setTimestamp(int index, Timestamp timestamp, Calendar calendar) throws SQLException {
        delegate.setTimestamp(parameter(index), timestamp, calendar);
    }

    @Override
    public void setTimestamp(int index, Timestamp timestamp) throws SQLException {
        delegate.setTimestamp(parameter(index), timestamp);
    }

    @Override
    public void setURL(int index, URL uRL) throws SQLException {
        delegate.setURL(parameter(index), uRL);
    }

    @Override
    public void setUnicodeStream(int index, InputStream inputStream, int intValue) throws SQLException {
        delegate.setUnicodeStream(parameter(index), inputStream, intValue);
    }
}
