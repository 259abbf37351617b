select id, board_id, name, position, kind, wip_limit from board_columns where workspace_id = :ws and id = :col for update
