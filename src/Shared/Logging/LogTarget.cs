namespace FdHandoff.Logging;

/// <summary>Where <see cref="FdHandoffLogging"/> sends log events; set with <c>FDHANDOFF_LOG=auto|journal|console|json</c>.</summary>
internal enum LogTarget
{
    /// <summary>The journal when the process runs under systemd with its stderr going to the journal
    /// (<c>JOURNAL_STREAM</c> set) and the journal socket exists; standard error otherwise.</summary>
    Auto,

    /// <summary>The journal, falling back to standard error for any entry it does not take.</summary>
    Journal,

    /// <summary>Plain lines on standard error.</summary>
    Console,

    /// <summary>One JSON object per line on standard error, for programs that read the log (tests, collectors).</summary>
    Json,
}
