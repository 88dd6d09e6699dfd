"""The agent desk (web app for the Service Center's agents and supervisors)."""
