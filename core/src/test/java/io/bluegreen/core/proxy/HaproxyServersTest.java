package io.bluegreen.core.proxy;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.bluegreen.core.engine.port.RouterException;
import java.util.Map;
import org.junit.Test;

public class HaproxyServersTest {
    /** The first columns of HAProxy 2.6's {@code show stat -1 4 -1}, as it answers them. */
    private static final String HEADER = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,"
            + "eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,"
            + "tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,"
            + "hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,"
            + "comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,"
            + "agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,"
            + "agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,"
            + "reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,"
            + "idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,"
            + "agg_check_status,-,ssl_sess,ssl_reused_sess,ssl_failed_handshake,h2_headers_rcvd,h2_data_rcvd,"
            + "h2_settings_rcvd,h2_rst_stream_rcvd,h2_goaway_rcvd,h2_detected_conn_protocol_errors,"
            + "h2_detected_strm_protocol_errors,h2_rst_stream_resp,h2_goaway_resp,h2_open_connections,"
            + "h2_backend_open_streams,h2_total_connections,h2_backend_total_connections,h1_open_connections,"
            + "h1_open_streams,h1_total_connections,h1_total_streams,h1_bytes_in,h1_bytes_out,";

    @Test
    public void countsServedAndQueuedRequestsPerServerOfTheBackendOnly() {
        String csv = HEADER + "\n"
                + "vote,127.0.0.1:33261,0,0,1,25,,900\n"
                + "vote,127.0.0.1:33262,2,4,3,20,,800\n"
                + "vote,127.0.0.1:33263,0,0,0,0,,0\n"
                + "vote,BACKEND,5,5,9,40,410,1700\n"
                + "api,127.0.0.1:40000,0,0,7,7,,7\n";
        Map<String, Integer> n = HaproxyServers.inFlight("vote", csv);
        assertEquals(Map.of("127.0.0.1:33261", 1, "127.0.0.1:33262", 5, "127.0.0.1:33263", 0), n);
    }

    @Test
    public void emptyCountersAreZero() {
        assertEquals(Map.of("s", 0), HaproxyServers.inFlight("vote", HEADER + "\nvote,s,,,,,,\n"));
    }

    @Test
    public void anotherAnswerIsARouterError() {
        try {
            HaproxyServers.inFlight("vote", "Unknown command. Please enter one of the following commands only :");
            fail("not a stat answer");
        } catch (RouterException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("unexpectedly"));
        }
        try {
            HaproxyServers.inFlight("vote", HEADER + "\nvote,s,x,0,1,1,,1\n");
            fail("not a number");
        } catch (RouterException e) {
            assertTrue(e.getMessage(), e.getMessage().contains("vote,s,x"));
        }
    }
}
