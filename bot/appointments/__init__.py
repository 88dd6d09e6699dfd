"""Appointments: calendar, atomic bookings in Redis, the booking dialogue's logic, calendar files."""
