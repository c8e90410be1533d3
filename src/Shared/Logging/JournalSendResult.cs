namespace FdHandoff.Logging;

/// <summary>What became of one entry sent to the journal.</summary>
internal enum JournalSendResult
{
    /// <summary>Sent as one datagram.</summary>
    Sent,

    /// <summary>Too big for a datagram; sent as a sealed memfd (SCM_RIGHTS) instead.</summary>
    SentAsMemfd,

    /// <summary>No journal listens there: no socket at the path (ENOENT) or nobody bound to it (ECONNREFUSED).</summary>
    Unreachable,

    /// <summary>Any other failure (a timeout because journald is stuck, a memfd that could not be made); the entry is lost.</summary>
    Failed,
}
