namespace FdHandoff.Supervisor.Cli;

/// <summary>
/// What <c>fdhandoff --help</c> says beyond the parser's verbs and options: where the configuration comes
/// from, its keys, and the exit codes, so a person need not open the README to start or script it.
/// </summary>
internal static class HelpText
{
    public const string Configuration = """
        Configuration (later sources win; an upgrade reads the file again, the rest is fixed at start):
          appsettings.json beside the binary, or --config FILE instead
          FDHANDOFF_* environment variables (FDHANDOFF_Workers__Count=4)
          the command line: the options above, or any key as --Section:Key=value (--Workers:DrainTimeout=00:00:05)

        Configuration keys:
          Listeners:NAME            tcp://127.0.0.1:8080, tcp://[::1]:8080?backlog=1024, sctp://10.0.0.1,10.0.0.2:3868,
                                    udp://0.0.0.0:5353, mptcp://0.0.0.0:8443, unix:///run/app/http.sock?mode=0660&group=www-data
          Workers:Command           the worker executable
          Workers:Args, Workers:Environment:NAME
          Workers:Count             workers per generation (default 2)
          Workers:RestartBackoff, Workers:MaxRestartBackoff   a crashed worker's restart delay (default 100 ms, doubling up to 30 s)
          Workers:ReadyTimeout      how long a new generation has to report ready (default 00:00:30)
          Workers:DrainTimeout      how long an old worker has to finish before it is killed (default 00:00:10)
          Workers:Strategy          all-at-once (default) or rolling (slot by slot: at most Count+1 workers)
          Workers:StartNice         how much lower a new generation's CPU priority is until it is ready (nice steps, default 5; 0: off)
          Workers:Protocol          fdhandoff (default) or systemd: any program, given LISTEN_FDS and NOTIFY_SOCKET
          Workers:Listeners         which listeners a worker gets, in this order (default all, sorted by name)
          Workers:Ready, ReadyDelay, NotifyAccess, WatchdogSec, DrainSignal   systemd-protocol workers (docs/any-program.md)
          ControlSocket             the control socket (default $RUNTIME_DIRECTORY/control.sock, /run/fdhandoff/control.sock for root,
                                    else $XDG_RUNTIME_DIR/fdhandoff/control.sock)
          ControlSocketGroup        a group that may use the control socket (status, upgrade)
          Metrics:Listen            serve /metrics, /healthz, /readyz on this address (e.g. 127.0.0.1:9464; default off)
          SkipUnavailableSctp       start without SCTP listeners where the kernel has no SCTP (default false)
        """;

    public const string ExitCodes = """
        Exit codes:
          0  done
          1  failed: the upgrade was rolled back (the old generation still serves), a port is busy, a worker cannot start
          2  usage or configuration error: nothing was started
          3  no supervisor answers on the control socket
        """;
}
