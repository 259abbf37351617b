select b.id, b.workspace_id, b.name, b.description, b.version, b.created_by, b.created_at,
       b.updated_at, c.id as c_id, c.board_id as c_board_id, c.name as c_name,
       c.position as c_position, c.kind as c_kind, c.wip_limit as c_wip_limit,
       l.id as l_id, l.board_id as l_board_id, l.name as l_name, l.position as l_position,
       l.kind as l_kind, l.wip_limit as l_wip_limit, l.last_position, l.task_count
from lock_column_for_placement(:ws, :col, :self) l
join boards b on b.id = l.board_id and b.workspace_id = :ws
join board_columns c on c.board_id = b.id and c.workspace_id = b.workspace_id
order by c.position
