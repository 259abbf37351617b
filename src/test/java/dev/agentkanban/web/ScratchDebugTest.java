package dev.agentkanban.web;

import dev.agentkanban.identity.Role;
import dev.agentkanban.support.ApiTest;
import dev.agentkanban.task.TaskFixtures;
import org.junit.jupiter.api.Test;

class ScratchDebugTest extends ApiTest {
    @Test
    void debug() throws Exception {
        var alice = clientFor("alice", defaultWorkspace, Role.MEMBER);
        var fx = new TaskFixtures(alice);
        long[] b = fx.board("Dbg");
        fx.task(b[0], "t1", "column_id", b[2]);
        try (Browser br = Browser.start(port)) {
            br.signIn("alice", "alice-password");
            br.open("/?board=" + b[0]);
            Thread.sleep(4000);
            System.out.println("BOARD-HTML: " + br.js("return document.getElementById('board').outerHTML"));
            System.out.println("ASYNC: " + ((org.openqa.selenium.JavascriptExecutor) br.driver()).executeAsyncScript(
                "const done = arguments[0]; import('/js/board.js').then(m => done('ok ' + Object.keys(m))).catch(e => done('ERR ' + e))"));
            System.out.println("FETCH: " + ((org.openqa.selenium.JavascriptExecutor) br.driver()).executeAsyncScript(
                "const done = arguments[0]; fetch('/api/v1/boards/" + b[0] + "/tasks', {headers:{Authorization:'Bearer '+sessionStorage.getItem('agent-kanban.token')}}).then(r => r.text()).then(done).catch(e => done('ERR ' + e))"));
            java.nio.file.Files.write(java.nio.file.Path.of("/tmp/ui-debug.png"), br.screenshot());
        }
    }
}
