namespace FdHandoff.Supervisor.Resilience;

/// <summary>
/// A descriptor the old image keeps open across its exec for the new one, by what holds it: <c>listener:NAME</c>,
/// <c>control</c> (the control socket), <c>notify</c>, <c>worker:PID</c> (a worker's control connection),
/// <c>transit:ID</c> (a connection in transit), <c>client:N</c> (a control connection not read yet), <c>admin:N</c>
/// (an admin request waiting for its answer). The old executable (to fall back to) and the hand-off itself are
/// named by variables (<see cref="RestoredImage.PreviousVariable"/>, <see cref="RestoredImage.StateVariable"/>).
/// </summary>
internal sealed record PassedDescriptor(string Name, int Fd);
