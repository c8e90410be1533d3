namespace FdHandoff.Worker;

/// <summary>
/// What a long-lived connection speaks: turns the bytes received into the bytes to answer, and keeps
/// whatever it needs to go on in a state blob that can cross a hand-over to another process.
/// </summary>
public interface IStreamProtocol
{
    /// <summary>Consumes <paramref name="received"/> and returns what to send back (possibly nothing).</summary>
    ReadOnlyMemory<byte> Process(ReadOnlySpan<byte> received);

    /// <summary>Everything needed to continue exactly here: counters and bytes read but not yet processed.</summary>
    byte[] SaveState();
}
