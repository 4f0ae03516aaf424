"""The Spot lab's event filter: the region's Spot events in, the lab group's own out to its log group."""
