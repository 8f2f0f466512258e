namespace PulsePoint.Operators;

/// <summary>
/// Marks a grain interface whose every method is an operator's: the silo's <see cref="OperatorCallFilter"/> admits a call
/// to it only with an operator signature (<see cref="OperatorSignature"/>), which silo code and operator tools add and a
/// backend service's client cannot make. Such interfaces live in this assembly, not in the contracts backend services
/// compile against.
/// </summary>
public interface IOperatorGrain : IGrain
{
}
