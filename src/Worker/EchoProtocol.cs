namespace FdHandoff.Worker;

/// <summary>Echoes every byte back at once: nothing is ever held back, so its state is empty.</summary>
public sealed class EchoProtocol : IStreamProtocol
{
    public ReadOnlyMemory<byte> Process(ReadOnlySpan<byte> received) => received.ToArray();

    public byte[] SaveState() => [];
}
