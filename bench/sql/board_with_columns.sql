select b.id, b.workspace_id, b.name, b.description, b.version, b.created_by, b.created_at,
       b.updated_at, c.id as c_id, c.board_id as c_board_id, c.name as c_name,
       c.position as c_position, c.kind as c_kind, c.wip_limit as c_wip_limit
from boards b
left join board_columns c on c.board_id = b.id and c.workspace_id = b.workspace_id
where b.workspace_id = :ws and b.id = :board
order by c.position
