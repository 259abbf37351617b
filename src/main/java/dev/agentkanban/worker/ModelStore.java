package dev.agentkanban.worker;

import java.sql.Array;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the model-backed agents keep in the worker database: the day's token spending against the
 * budget, the inputs already sent (so an unchanged task is not sent again after every move), the
 * workspace's tags and recent tasks as triage context, and the embeddings of open tasks.
 */
class ModelStore implements ModelAgents.Context {

    private final JdbcClient jdbc;
    private final long dailyTokens;

    ModelStore(JdbcClient jdbc, long dailyTokens) {
        this.jdbc = jdbc;
        this.dailyTokens = dailyTokens;
    }

    private static LocalDate today() {
        return LocalDate.now(ZoneOffset.UTC);
    }

    @Override
    public boolean withinBudget() {
        long spent = jdbc.sql("select coalesce(sum(tokens_in + tokens_out), 0) from model_usage where day = :day")
                .param("day", today())
                .query(Long.class)
                .single();
        return spent < dailyTokens;
    }

    @Override
    public void spend(int tokensIn, int tokensOut) {
        jdbc.sql("""
                insert into model_usage (day, tokens_in, tokens_out, calls) values (:day, :in, :out, 1)
                on conflict (day) do update set tokens_in = model_usage.tokens_in + excluded.tokens_in,
                    tokens_out = model_usage.tokens_out + excluded.tokens_out, calls = model_usage.calls + 1, updated_at = now()
                """)
                .param("day", today())
                .param("in", tokensIn)
                .param("out", tokensOut)
                .update();
    }

    @Override
    public boolean alreadyAsked(String agent, long taskId, String inputHash) {
        return jdbc.sql(
                        "select exists (select 1 from agent_results where agent = :agent and task_id = :task and input_hash = :hash)")
                .param("agent", agent)
                .param("task", taskId)
                .param("hash", inputHash)
                .query(Boolean.class)
                .single();
    }

    @Override
    public List<String> workspaceTags(int limit) {
        return jdbc.sql("""
                select tag from (select unnest(tags) as tag from worker_tasks) t group by tag order by count(*) desc, tag limit :limit
                """).param("limit", limit).query(String.class).list();
    }

    @Override
    public List<WorkerTask> recentTasks(long exceptId, int limit) {
        return jdbc.sql("select " + Projection.TASK_COLUMNS
                        + " from worker_tasks where id <> :id order by updated_at desc, id desc limit :limit")
                .param("id", exceptId)
                .param("limit", limit)
                .query(Projection::task)
                .list();
    }

    @Override
    public Optional<float[]> embedding(long taskId, String model, String contentHash) {
        return jdbc.sql(
                        "select embedding from task_embeddings where task_id = :id and model = :model and content_hash = :hash")
                .param("id", taskId)
                .param("model", model)
                .param("hash", contentHash)
                .query((rs, n) -> vector(rs.getArray(1)))
                .optional();
    }

    @Override
    public void saveEmbedding(WorkerTask task, String model, String contentHash, float[] vector) {
        Float[] boxed = new Float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            boxed[i] = vector[i];
        }
        jdbc.sql("""
                insert into task_embeddings (task_id, board_id, model, content_hash, embedding) values (:id, :board, :model, :hash, :v)
                on conflict (task_id) do update set board_id = excluded.board_id, model = excluded.model,
                    content_hash = excluded.content_hash, embedding = excluded.embedding, updated_at = now()
                """)
                .param("id", task.id())
                .param("board", task.boardId())
                .param("model", model)
                .param("hash", contentHash)
                .param("v", boxed)
                .update();
    }

    @Override
    public List<ModelAgents.Embedded> olderOpenEmbeddings(WorkerTask task, String model) {
        return jdbc.sql("select " + prefixed("t.") + """
                , e.embedding from task_embeddings e join worker_tasks t on t.id = e.task_id
                 where t.board_id = :board and t.id < :id and t.status in ('pending', 'in_progress') and e.model = :model
                 order by t.id
                """)
                .param("board", task.boardId())
                .param("id", task.id())
                .param("model", model)
                .query((rs, n) -> new ModelAgents.Embedded(Projection.task(rs, n), vector(rs.getArray("embedding"))))
                .list();
    }

    private static String prefixed(String p) {
        List<String> cols = new ArrayList<>();
        for (String c : Projection.TASK_COLUMNS.split(",")) {
            cols.add(p + c.strip());
        }
        return String.join(", ", cols);
    }

    private static float[] vector(Array array) throws java.sql.SQLException {
        Object[] values = (Object[]) array.getArray();
        float[] v = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            v[i] = ((Number) values[i]).floatValue();
        }
        return v;
    }
}
