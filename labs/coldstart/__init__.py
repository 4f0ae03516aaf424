"""LabColdStart: see a Lambda cold start, measure it, and make it go away."""
