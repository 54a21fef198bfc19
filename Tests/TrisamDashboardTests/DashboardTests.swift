import Testing
@testable import TrisamDashboard
