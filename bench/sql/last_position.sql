select max(position) from tasks where column_id = :col and id <> :self and position < :p
